package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of interrupted rotations runs when the agent starts, and after a Docker reconnect only
 * for containers no rotation holds: a private daemon is restarted while a rolling rotation is held
 * right after its new container started (a fault-injection pause), and the reconnect's reconcile
 * must leave that rotation's journal entry and {@code _dso_new} container alone.
 */
@Tag("docker")
class ReconnectSparesRotationInFlightIT {
  @TempDir Path dir;

  private Path config(String secret) throws Exception {
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { strategy: rolling, health_check_timeout: 20s, max_parallel: 2, cooldown: 1s }
          restart_strategy: { grace_period: 2s }
          shutdown_timeout: 5s
        secrets:
          - name: %s
            inject: env
            rotation: true
        """.formatted(secret));
    return config;
  }

  private void secret(String secret, String token) throws Exception {
    Path tmp = dir.resolve(".secrets.json.tmp");
    Files.writeString(tmp, RotationFixture.JSON.writeValueAsString(Map.of(secret, Map.of("TOKEN", token))));
    Files.move(tmp, dir.resolve("secrets.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private List<String> journalFiles() throws Exception {
    Path rotations = dir.resolve("state/rotations");
    if (!Files.isDirectory(rotations)) {
      return List.of();
    }
    try (var s = Files.list(rotations)) {
      return s.filter(f -> f.toString().endsWith(".json")).map(p -> p.getFileName().toString()).toList();
    }
  }

  private String stderr() throws Exception {
    return Files.readString(dir.resolve("stderr.log"));
  }

  @Test
  void aDockerReconnectDoesNotRecoverAContainerWhoseRotationIsInFlight() throws Exception {
    DockerRig.dockerHost(); // the rig (and its packages) must be there; this test adds a daemon of its own
    try (SecondDaemon daemon = new SecondDaemon()) {
      String host = daemon.up();
      try (DockerCli docker = new DockerCli(host, "dso-rcn-")) {
        String secret = "rcn-" + docker.suffix + "/token";
        String name = docker.name("svc");
        Path config = config(secret);
        secret(secret, "v1");
        docker.runDetached(name, List.of("--label", "dso.reloader=true",
            "--label", "dso.secrets=" + secret, "--label", "dso.update.strategy=rolling"), DockerCli.HEALTHY);

        // 1. a plain agent gives the target v1 (its first injection), then stops
        try (AgentProcess setup = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
            Map.of("DOCKER_HOST", host))) {
          setup.awaitMetrics(Duration.ofSeconds(60));
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            assertThat(docker.psAll(name)).containsExactly(name + " running");
            assertThat(DockerCli.env(docker.inspect(name))).containsEntry("TOKEN", "v1");
          });
          setup.terminate();
        }
        Files.move(dir.resolve("stderr.log"), dir.resolve("stderr-1.log"), StandardCopyOption.REPLACE_EXISTING);

        // 2. the v2 rotation is held right after its new container started; Docker restarts under it
        int metricsPort = FreePorts.loopback();
        try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, FreePorts.loopback(),
            Map.of("DOCKER_HOST", host, "DSO_FAULT_PAUSE_AFTER", "rolling:started"))) {
          agent.awaitMetrics(Duration.ofSeconds(60));
          secret(secret, "v2");
          await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
              .until(() -> stderr().contains("fault injection: pausing after rolling:started"));
          List<String> journalBefore = journalFiles();
          assertThat(journalBefore).as("journal of the rotation in flight").isNotEmpty();
          assertThat(docker.psAll(name)).contains(name + "_dso_new running");

          daemon.stop();
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() ->
              AgentProcess.metric(AgentProcess.get(metricsPort, "/metrics").body(), "dso_docker_up") == 0);
          daemon.up();
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() ->
              AgentProcess.metric(AgentProcess.get(metricsPort, "/metrics").body(), "dso_docker_up") == 1);
          // the reconnect's reconcile (recovery, sweep, targets) runs now; give it time to act wrongly
          Thread.sleep(8_000);

          String log = stderr();
          assertThat(agent.alive()).isTrue();
          assertThat(log.lines().filter(l -> l.contains("recovery: " + name)).toList())
              .as("recovery actions on %s while its rotation is in flight", name).isEmpty();
          assertThat(journalFiles()).as("journal of the held rotation after the reconnect").isEqualTo(journalBefore);
          assertThat(docker.psAll(name)).as("containers named %s*", name)
              .anySatisfy(l -> assertThat(l).startsWith(name + "_dso_new "))
              .anySatisfy(l -> assertThat(l).startsWith(name + " "));
          System.out.printf("reconnect with a rotation in flight: journal %s, containers %s%n", journalFiles(), docker.psAll(name));
          // The held rotation ends at the stop deadline; how it rolls back is covered elsewhere.
          new ProcessBuilder("kill", "-TERM", String.valueOf(agent.pid())).start().waitFor();
          agent.awaitExit(Duration.ofSeconds(30));
        }
      } finally {
        keepLogs();
      }
    }
  }

  private void keepLogs() {
    try {
      Path keep = Path.of(System.getProperty("java.io.tmpdir"), "dso-rotation-it", "reconnect-in-flight-" + dir.getFileName());
      Files.createDirectories(keep);
      for (String f : List.of("stdout.log", "stderr.log", "stderr-1.log", "audit.log")) {
        if (Files.exists(dir.resolve(f))) {
          Files.copy(dir.resolve(f), keep.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (Exception e) {
      // best effort
    }
  }
}
