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

/** Restart rotation end to end: stop, recreate with the new value, start, health gate; rollback brings the old one back. */
@Tag("docker")
class RestartRotationIT {
  private static final String SECRET = "app/token";
  private static final String SECRET_YAML = """
      - name: app/token
        inject: env
        rotation: true
      """;

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
  void restartKeepsNameLabelsMountsAndHealthcheck() throws Exception {
    Path bind = Files.createDirectories(dir.resolve("bind"));
    Files.writeString(bind.resolve("hello"), "from the host");
    String x = fx.name("restart");
    String vol = fx.volume("data");
    fx.secret(SECRET, Map.of("TOKEN", "v1"));
    fx.runTarget(x, SECRET, List.of("--label", "team=red", "--restart", "on-failure:3",
        "--health-cmd", "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1", "--health-interval", "1s",
        "--health-retries", "4", "--health-start-period", "1s",
        "-v", vol + ":/data", "--mount", "type=tmpfs,destination=/scratch", "-v", bind + ":/hostdata:ro"),
        RotationFixture.HEALTHY);
    // strategy from defaults.rotation.strategy (no label, no per-secret strategy), ahead of the agent's rolling
    Path config = fx.config("rolling", 2, SECRET_YAML);
    Files.writeString(config, "defaults:\n  rotation: { enabled: true, strategy: restart }\n", java.nio.file.StandardOpenOption.APPEND);
    try (AgentProcess agent = fx.start(config, Map.of())) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(RotationFixture.env(fx.inspect(x))).containsEntry("TOKEN", "v1"));
      fx.ok("exec", x, "sh", "-c", "echo kept > /data/state");
      String id1 = fx.id(x);

      fx.secret(SECRET, Map.of("TOKEN", "v2"));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        JsonNode c = fx.inspect(x);
        assertThat(c.path("Id").asText()).isNotEqualTo(id1);
        assertThat(RotationFixture.env(c)).containsEntry("TOKEN", "v2");
        assertThat(c.path("State").path("Health").path("Status").asText()).isEqualTo("healthy");
      });
      JsonNode after = fx.inspect(x);
      String id2 = after.path("Id").asText();
      assertThat(after.path("Name").asText()).isEqualTo("/" + x);
      assertThat(RotationFixture.labels(after)).containsEntry("team", "red").containsEntry("dso.secrets", SECRET);
      JsonNode hc = after.path("Config").path("Healthcheck");
      assertThat(hc.path("Retries").asInt()).isEqualTo(4);
      assertThat(hc.path("Interval").asLong()).isEqualTo(1_000_000_000L);
      assertThat(after.path("HostConfig").path("RestartPolicy").path("Name").asText()).isEqualTo("on-failure");
      assertThat(after.path("HostConfig").path("RestartPolicy").path("MaximumRetryCount").asInt()).isEqualTo(3);
      assertThat(after.path("Mounts").toString()).contains("/scratch").contains("/hostdata").contains(vol);
      assertThat(fx.ok("exec", x, "cat", "/data/state")).isEqualTo("kept");
      assertThat(fx.ok("exec", x, "cat", "/hostdata/hello")).isEqualTo("from the host");
      fx.assertSingleRunning(x);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        List<JsonNode> rot = fx.audit("secret_rotate", id2);
        assertThat(rot).hasSize(1);
        assertThat(rot.getFirst().path("status").asText()).isEqualTo("success");
        assertThat(rot.getFirst().path("strategy").asText()).isEqualTo("restart");
        assertThat(rot.getFirst().path("duration_ms").asLong()).isPositive();
      });
      assertThat(fx.metric("dso_rotation_events_total", "strategy=\"restart\"", "status=\"success\"")).isGreaterThanOrEqualTo(1);
      agent.terminate();
    }
  }

  @Test
  void restartRollsBackToThePreviousContainerWhenTheNewOneFails() throws Exception {
    String x = fx.name("restart-rb");
    fx.secret(SECRET, Map.of("TOKEN", "good"));
    fx.runTarget(x, SECRET, List.of("--label", "dso.update.strategy=restart"), RotationFixture.HEALTHY, RotationFixture.GATED_HTTPD);
    try (AgentProcess agent = fx.start(fx.config("rolling", 2, SECRET_YAML), Map.of())) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        JsonNode c = fx.inspect(x);
        assertThat(RotationFixture.env(c)).containsEntry("TOKEN", "good");
        assertThat(c.path("State").path("Health").path("Status").asText()).isEqualTo("healthy");
      });
      String id1 = fx.id(x);

      fx.secret(SECRET, Map.of("TOKEN", "bad"));
      await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
          .until(() -> !fx.audit("secret_rotate", id1).isEmpty());
      JsonNode rot = fx.audit("secret_rotate", id1).getFirst();
      assertThat(rot.path("status").asText()).isEqualTo("failed");
      assertThat(rot.path("strategy").asText()).isEqualTo("restart");
      List<JsonNode> rollbacks = fx.audit("rotation_rollback", id1);
      assertThat(rollbacks).hasSize(1);
      assertThat(rollbacks.getFirst().path("step").asText()).isEqualTo("health");
      assertThat(rollbacks.getFirst().path("status").asText()).isEqualTo("success");
      // the previous container runs again, with the previous value, under its name
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        JsonNode c = fx.inspect(x);
        assertThat(c.path("Id").asText()).isEqualTo(id1);
        assertThat(c.path("State").path("Running").asBoolean()).isTrue();
        assertThat(RotationFixture.env(c)).containsEntry("TOKEN", "good");
        fx.assertSingleRunning(x);
      });
      assertThat(fx.metric("dso_rotation_rollbacks_total", "strategy=\"restart\"")).isEqualTo(1);
      // the rollback's own rename/start events must not start the failing rotation over and over
      Thread.sleep(6000);
      assertThat(fx.metric("dso_rotation_rollbacks_total", "strategy=\"restart\"")).as("rollbacks after 6 s").isEqualTo(1);
      assertThat(fx.id(x)).isEqualTo(id1);
      agent.terminate();
    }
  }
}
