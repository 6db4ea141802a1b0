package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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

/** Strategy none: tmpfs files change in place, nothing else; an env target keeps its container and old value. */
@Tag("docker")
class NoneStrategyIT {
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
  void noneUpdatesOnlyCacheAndFiles() throws Exception {
    String file = fx.name("none-file");
    String env = fx.name("none-env");
    fx.writeSecrets(Map.of("app/file", Map.of("TOKEN", "f1"), "app/env", Map.of("TOKEN", "e1")));
    // sh as PID 1 with a USR1/HUP trap: any signal would show up in /tmp/sig
    String[] trap = {"sh", "-c", "trap 'echo got-USR1 >> /tmp/sig' USR1; trap 'echo got-HUP >> /tmp/sig' HUP; while true; do sleep 0.2; done"};
    fx.runDetached(file, List.of("--network", "none", "--label", "dso.reloader=true", "--label", "dso.secrets=app/file",
        "--label", "dso.update.strategy=none"), RotationFixture.BUSYBOX, trap);
    fx.runTarget(env, "app/env", List.of("--label", "dso.update.strategy=none"), RotationFixture.BUSYBOX, "sleep", "3600");
    Path config = fx.config("rolling", 2, """
        - name: app/file
          inject: { type: file, path: /run/secrets/app }
          rotation: true
        - name: app/env
          inject: env
          rotation: true
        """);
    try (AgentProcess agent = fx.start(config, Map.of(), "--secrets-dir", fx.shmDir().toString())) {
      // first injection replaces each container once even under none
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(fx.run("exec", file, "cat", "/run/secrets/app/TOKEN").out()).isEqualTo("f1");
        assertThat(RotationFixture.env(fx.inspect(env))).containsEntry("TOKEN", "e1");
      });
      JsonNode fileBefore = fx.inspect(file);
      JsonNode envBefore = fx.inspect(env);

      fx.writeSecrets(Map.of("app/file", Map.of("TOKEN", "f2"), "app/env", Map.of("TOKEN", "e2")));
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(fx.run("exec", file, "cat", "/run/secrets/app/TOKEN").out()).isEqualTo("f2"));
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(fx.audit("secret_rotate", envBefore.path("Id").asText())).isNotEmpty());
      Thread.sleep(1500);

      JsonNode fileAfter = fx.inspect(file);
      assertThat(fileAfter.path("Id").asText()).isEqualTo(fileBefore.path("Id").asText());
      assertThat(fileAfter.path("State").path("StartedAt").asText()).isEqualTo(fileBefore.path("State").path("StartedAt").asText());
      assertThat(fx.run("exec", file, "cat", "/tmp/sig").exit()).as("no signal was sent").isNotZero();
      JsonNode envAfter = fx.inspect(env);
      assertThat(envAfter.path("Id").asText()).isEqualTo(envBefore.path("Id").asText());
      assertThat(envAfter.path("State").path("StartedAt").asText()).isEqualTo(envBefore.path("State").path("StartedAt").asText());
      assertThat(RotationFixture.env(envAfter)).containsEntry("TOKEN", "e1");
      fx.assertSingleRunning(file);
      fx.assertSingleRunning(env);

      JsonNode envRotate = fx.audit("secret_rotate", envBefore.path("Id").asText()).getFirst();
      assertThat(envRotate.path("strategy").asText()).isEqualTo("none");
      assertThat(envRotate.path("secret_name").asText()).isEqualTo("app/env");
      List<JsonNode> fileRotate = fx.audit("secret_rotate", fileBefore.path("Id").asText());
      assertThat(fileRotate).hasSize(1);
      assertThat(fileRotate.getFirst().path("strategy").asText()).isEqualTo("none");
      assertThat(fileRotate.getFirst().path("status").asText()).isEqualTo("success");
      assertThat(fx.metric("dso_rotation_events_total", "strategy=\"rolling\"", "status=\"success\"")).isZero();
      assertThat(fx.metric("dso_rotation_events_total", "strategy=\"restart\"", "status=\"success\"")).isZero();
      agent.terminate();
    }
  }
}
