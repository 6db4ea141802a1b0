package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, private Docker daemon (scripts/test-rig.sh with its own directory) is stopped and started
 * under a running agent: {@code /ready} and {@code dso_docker_up} report it within 10 s each way, the
 * agent keeps serving meanwhile, and afterwards a new labelled container still gets its secret.
 */
@Tag("docker")
class DockerDaemonRestartIT {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void agentReportsTheOutageAndCarriesOnAfterTheDaemonRestarts() throws Exception {
    DockerRig.dockerHost(); // the rig (and its packages) must be there; this test adds a second daemon
    String secret = "e2e-restart/env";
    String canary = "CANARY-restart-" + UUID.randomUUID();
    Files.writeString(dir.resolve("secrets.json"), "{\"%s\": {\"AFTER_RESTART\": \"%s\"}}".formatted(secret, canary));
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
          - name: %s
            inject: env
            rotation: true
        """.formatted(secret));
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (SecondDaemon second = new SecondDaemon()) {
      String host = second.up();
      try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", host))) {
        agent.awaitMetrics(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
          var ready = AgentProcess.get(apiPort, "/ready");
          assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
          assertThat(ready.body()).contains("\"docker\":\"connected\"");
        });

        long down = System.nanoTime();
        second.down();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
          var ready = AgentProcess.get(apiPort, "/ready");
          assertThat(ready.statusCode()).isEqualTo(503);
          assertThat(ready.body()).contains("\"docker\":\"unreachable\"");
          assertThat(AgentProcess.metric(AgentProcess.get(metricsPort, "/metrics").body(), "dso_docker_up")).isZero();
        });
        System.out.printf("outage reported %d ms after 'down' finished%n", (System.nanoTime() - down) / 1_000_000);
        assertThat(AgentProcess.get(apiPort, "/health").statusCode()).isEqualTo(200);
        assertThat(AgentProcess.get(metricsPort, "/metrics").statusCode()).isEqualTo(200);
        assertThat(agent.alive()).isTrue();

        second.up();
        long up = System.nanoTime();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
          var ready = AgentProcess.get(apiPort, "/ready");
          assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
          assertThat(AgentProcess.metric(AgentProcess.get(metricsPort, "/metrics").body(), "dso_docker_up")).isEqualTo(1.0);
        });
        System.out.printf("reconnection reported %d ms after 'up' finished%n", (System.nanoTime() - up) / 1_000_000);

        try (DockerCli docker = new DockerCli(host)) {
          String name = docker.name("after-restart");
          docker.runDetached(name, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret),
              DockerCli.BUSYBOX, "sleep", "3600");
          await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
              assertThat(docker.execEnv(name)).containsEntry("AFTER_RESTART", canary));
          docker.awaitSole(name);
        }
        agent.terminate();
      }
      for (String log : List.of("audit.log", "stdout.log", "stderr.log")) {
        assertThat(Files.readString(dir.resolve(log))).as(log).doesNotContain(canary);
      }
    }
  }
}
