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

/**
 * Signal rotation end to end: a file-mode secret is rewritten in place and the configured signal
 * reaches PID 1 (a shell trap). A failed kill is covered against the daemon by
 * {@code io.dso.rotation.SignalStrategyDockerTest} (a stopped container cannot be a target here).
 */
@Tag("docker")
class SignalRotationIT {
  private static final String SECRET = "app/conf";

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
  void signalIsObservedByATrapInTheContainer() throws Exception {
    String x = fx.name("signal");
    fx.secret(SECRET, Map.of("TOKEN", "v1"));
    // no --init: sh is PID 1 and receives the signal itself
    fx.runDetached(x, List.of("--network", "none", "--label", "dso.reloader=true", "--label", "dso.secrets=" + SECRET),
        RotationFixture.BUSYBOX, "sh", "-c", "trap 'echo got-USR1 >> /tmp/sig' USR1; while true; do sleep 0.2; done");
    Path config = fx.config("rolling", 2, """
        - name: app/conf
          inject: { type: file, path: /run/secrets/app }
          rotation: true
          reload_strategy: { type: signal, signal: SIGUSR1 }
        """);
    try (AgentProcess agent = fx.start(config, Map.of(), "--secrets-dir", fx.shmDir().toString())) {
      // first injection: the mount can only arrive in a new container (replaced once)
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(fx.run("exec", x, "cat", "/run/secrets/app/TOKEN").out()).isEqualTo("v1"));
      String id1 = fx.id(x);
      assertThat(fx.run("exec", x, "cat", "/tmp/sig").exit()).as("no signal before the change").isNotZero();

      fx.secret(SECRET, Map.of("TOKEN", "v2"));
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(fx.run("exec", x, "cat", "/run/secrets/app/TOKEN").out()).isEqualTo("v2");
        assertThat(fx.run("exec", x, "cat", "/tmp/sig").out()).isEqualTo("got-USR1");
      });
      assertThat(fx.id(x)).as("same container").isEqualTo(id1);
      fx.assertSingleRunning(x);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        List<JsonNode> rot = fx.audit("secret_rotate", id1);
        assertThat(rot).hasSize(1);
        assertThat(rot.getFirst().path("strategy").asText()).isEqualTo("signal");
        assertThat(rot.getFirst().path("status").asText()).isEqualTo("success");
      });
      assertThat(fx.metric("dso_rotation_events_total", "strategy=\"signal\"", "status=\"success\"")).isEqualTo(1);
      agent.terminate();
    }
  }
}
