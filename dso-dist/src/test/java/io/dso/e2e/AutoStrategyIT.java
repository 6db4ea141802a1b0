package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** auto: the score and reasons are audited as strategy_decision, and the rotation uses the decided strategy. */
@Tag("docker")
class AutoStrategyIT {
  private static final String SECRET = "app/token";

  @TempDir Path dir;
  private RotationFixture fx;

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    fx.close();
  }

  @Test
  void strategyDecisionIsAuditedWithScoreAndReasons() throws Exception {
    String rolls = fx.name("auto-roll");      // explicit name -20 -> 80 rolling
    String restarts = fx.name("auto-restart"); // explicit name -20, restart always -20 -> 60 restart
    fx.secret(SECRET, Map.of("TOKEN", "v1"));
    fx.runTarget(rolls, SECRET, List.of(), RotationFixture.HEALTHY);
    fx.runTarget(restarts, SECRET, List.of("--restart", "always"), RotationFixture.HEALTHY);
    Path config = fx.config("auto", 2, """
        - name: app/token
          inject: env
          rotation: true
        """);
    try (AgentProcess agent = fx.start(config, Map.of())) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(RotationFixture.env(fx.inspect(rolls))).containsEntry("TOKEN", "v1");
        assertThat(RotationFixture.env(fx.inspect(restarts))).containsEntry("TOKEN", "v1");
      });
      String r1 = fx.id(rolls);
      String s1 = fx.id(restarts);
      fx.secret(SECRET, Map.of("TOKEN", "v2"));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(RotationFixture.env(fx.inspect(rolls))).containsEntry("TOKEN", "v2");
        assertThat(RotationFixture.env(fx.inspect(restarts))).containsEntry("TOKEN", "v2");
      });
      String r2 = fx.id(rolls);
      String s2 = fx.id(restarts);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(fx.audit("secret_rotate", r2)).singleElement()
            .satisfies(r -> assertThat(r.path("strategy").asText()).isEqualTo("rolling"));
        assertThat(fx.audit("secret_rotate", s2)).singleElement()
            .satisfies(r -> assertThat(r.path("strategy").asText()).isEqualTo("restart"));
      });
      List<JsonNode> rollDecision = fx.audit("strategy_decision", r1);
      assertThat(rollDecision).as("decision for the v2 rotation of %s", rolls).hasSize(1);
      assertThat(rollDecision.getFirst().path("score").asInt()).isEqualTo(80);
      assertThat(rollDecision.getFirst().path("strategy").asText()).isEqualTo("rolling");
      assertThat(rollDecision.getFirst().path("reasons").asText()).contains("explicit name (-20)");
      List<JsonNode> restartDecision = fx.audit("strategy_decision", s1);
      assertThat(restartDecision).hasSize(1);
      assertThat(restartDecision.getFirst().path("score").asInt()).isEqualTo(60);
      assertThat(restartDecision.getFirst().path("strategy").asText()).isEqualTo("restart");
      assertThat(restartDecision.getFirst().path("reasons").asText())
          .contains("explicit name (-20)").contains("restart policy always (-20)");
      assertThat(Files.readString(agent.stderr)).contains("strategy");
      agent.terminate();
    }
  }
}
