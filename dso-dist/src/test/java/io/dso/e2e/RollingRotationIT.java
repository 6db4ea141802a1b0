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
import org.junit.jupiter.api.io.TempDir;

/** Rolling (blue/green) rotation end to end with the real agent and the rig daemon. */
@Tag("docker")
class RollingRotationIT {
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
  void tearDown(org.junit.jupiter.api.TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    fx.close();
  }

  @Test
  void rollingRotationReplacesTheContainerAfterItIsHealthy() throws Exception {
    Path bind = Files.createDirectories(dir.resolve("bind"));
    Files.writeString(bind.resolve("hello"), "from the host");
    String x = fx.name("roll");
    fx.secret(SECRET, Map.of("TOKEN", "v1"));
    fx.runTarget(x, SECRET, List.of("--label", "team=blue", "--restart", "unless-stopped",
        "--health-cmd", "wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1", "--health-interval", "1s",
        "--health-retries", "5", "--health-start-period", "1s",
        "--mount", "type=tmpfs,destination=/scratch", "-v", bind + ":/hostdata:ro"), RotationFixture.HEALTHY);
    try (AgentProcess agent = fx.start(fx.config("rolling", 2, SECRET_YAML), Map.of())) {
      // first injection: the container is replaced once to receive the env var
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        JsonNode c = fx.inspect(x);
        assertThat(RotationFixture.env(c)).containsEntry("TOKEN", "v1");
        assertThat(c.path("State").path("Running").asBoolean()).isTrue();
      });
      JsonNode before = fx.inspect(x);
      String id1 = before.path("Id").asText();
      String label1 = RotationFixture.labels(before).get("dso.env." + SECRET);
      assertThat(label1).isNotBlank();

      long t0 = System.nanoTime();
      fx.secret(SECRET, Map.of("TOKEN", "v2"));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        JsonNode c = fx.inspect(x);
        assertThat(c.path("Id").asText()).isNotEqualTo(id1);
        assertThat(RotationFixture.env(c)).containsEntry("TOKEN", "v2");
      });
      System.out.printf("rolling rotation observed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      JsonNode after = fx.inspect(x);
      String id2 = after.path("Id").asText();
      Map<String, String> labels = RotationFixture.labels(after);
      assertThat(labels).containsEntry("team", "blue").containsEntry("dso.reloader", "true")
          .containsEntry("dso.secrets", SECRET).containsKey("dso.env." + SECRET);
      assertThat(labels.get("dso.env." + SECRET)).isNotEqualTo(label1);
      assertThat(after.path("State").path("Running").asBoolean()).isTrue();
      assertThat(after.path("State").path("Health").path("Status").asText()).isEqualTo("healthy");
      JsonNode hc = after.path("Config").path("Healthcheck");
      assertThat(hc.path("Interval").asLong()).isEqualTo(1_000_000_000L);
      assertThat(hc.path("Retries").asInt()).isEqualTo(5);
      assertThat(hc.path("Test").toString()).contains("wget -q -O /dev/null http://127.0.0.1:8080/");
      assertThat(after.path("HostConfig").path("RestartPolicy").path("Name").asText()).isEqualTo("unless-stopped");
      assertThat(after.path("HostConfig").path("Init").asBoolean()).isTrue();
      assertThat(after.path("HostConfig").path("NetworkMode").asText()).isEqualTo("none");
      assertThat(after.path("Mounts").toString()).contains("/scratch").contains("/hostdata");
      assertThat(fx.ok("exec", x, "cat", "/hostdata/hello")).isEqualTo("from the host");
      fx.assertSingleRunning(x);

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        List<JsonNode> rot = fx.audit("secret_rotate", id2);
        assertThat(rot).hasSize(1);
        assertThat(rot.getFirst().path("status").asText()).isEqualTo("success");
        assertThat(rot.getFirst().path("strategy").asText()).isEqualTo("rolling");
        assertThat(rot.getFirst().path("secret_name").asText()).isEqualTo(SECRET);
        assertThat(rot.getFirst().has("duration_ms")).isTrue();
        assertThat(rot.getFirst().path("duration_ms").asLong()).isPositive();
      });
      assertThat(fx.metric("dso_rotation_events_total", "strategy=\"rolling\"", "status=\"success\"")).isGreaterThanOrEqualTo(1);
      assertThat(fx.metric("dso_rotation_rollbacks_total", "strategy=\"rolling\"")).isZero();
      agent.terminate();
    }
  }

  @Test
  void rollingRotationRollsBackWhenNewContainerIsUnhealthy() throws Exception {
    String x = fx.name("rollback");
    fx.secret(SECRET, Map.of("TOKEN", "good"));
    fx.runTarget(x, SECRET, List.of("--label", "dso.update.strategy=rolling"), RotationFixture.HEALTHY, RotationFixture.GATED_HTTPD);
    try (AgentProcess agent = fx.start(fx.config("restart", 2, SECRET_YAML), Map.of())) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        JsonNode c = fx.inspect(x);
        assertThat(RotationFixture.env(c)).containsEntry("TOKEN", "good");
        assertThat(c.path("State").path("Health").path("Status").asText()).isEqualTo("healthy");
      });
      JsonNode before = fx.inspect(x);
      String id1 = before.path("Id").asText();

      fx.secret(SECRET, Map.of("TOKEN", "bad"));
      await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
          .until(() -> !fx.audit("secret_rotate", id1).isEmpty());
      JsonNode rot = fx.audit("secret_rotate", id1).getFirst();
      assertThat(rot.path("status").asText()).isEqualTo("failed");
      assertThat(rot.path("strategy").asText()).isEqualTo("rolling");
      assertThat(rot.path("error").asText()).isNotBlank();
      List<JsonNode> rollbacks = fx.audit("rotation_rollback", id1);
      assertThat(rollbacks).hasSize(1);
      assertThat(rollbacks.getFirst().path("step").asText()).isEqualTo("health");
      assertThat(rollbacks.getFirst().path("strategy").asText()).isEqualTo("rolling");
      assertThat(rollbacks.getFirst().path("status").asText()).isEqualTo("success");
      assertThat(rollbacks.getFirst().path("error").asText()).isNotBlank();

      JsonNode after = fx.inspect(x);
      assertThat(after.path("Id").asText()).isEqualTo(id1);
      assertThat(after.path("State").path("Running").asBoolean()).isTrue();
      assertThat(after.path("State").path("StartedAt").asText()).isEqualTo(before.path("State").path("StartedAt").asText());
      assertThat(after.path("RestartCount").asInt()).isEqualTo(before.path("RestartCount").asInt());
      assertThat(RotationFixture.env(after)).containsEntry("TOKEN", "good");
      assertThat(RotationFixture.labels(after)).isEqualTo(RotationFixture.labels(before));
      fx.assertSingleRunning(x);
      assertThat(fx.metric("dso_rotation_rollbacks_total", "strategy=\"rolling\"")).isEqualTo(1);
      assertThat(fx.metric("dso_rotation_events_total", "strategy=\"rolling\"", "status=\"failed\"")).isEqualTo(1);
      // no retry storm: the rollback does not trigger another attempt on its own
      Thread.sleep(4000);
      assertThat(fx.metric("dso_rotation_rollbacks_total", "strategy=\"rolling\"")).isEqualTo(1);
      assertThat(fx.id(x)).isEqualTo(id1);
      agent.terminate();
    }
  }
}
