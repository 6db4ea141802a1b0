package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private Docker daemon is restarted while a rolling rotation waits in its health gate: the agent
 * must treat the outage as an infrastructure failure (never as a verdict on the new version), and
 * once the daemon is back finish or roll back and converge on the newest value, written while the
 * daemon was down: one running container under the name, no temporaries, no journal entry.
 */
@Tag("docker")
class DockerRestartDuringRotationIT {
  private static final String SECRET = "app/token";
  private static final Duration CONVERGE_WITHIN = Duration.ofSeconds(90);
  /**
   * httpd (and so the HEALTHCHECK) comes up 60 s late when $TOKEN starts with "slow": the health
   * gate of such a version is still waiting when the daemon goes away.
   */
  private static final String[] SLOW_WHEN_ASKED = {"sh", "-c",
      "case \"$TOKEN\" in slow*) sleep 60;; esac; mkdir -p /www; echo ok >/www/index.html;"
          + " httpd -f -p 127.0.0.1:8080 -h /www & trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done"};

  @TempDir Path dir;

  @Test
  void aDockerRestartDuringTheHealthGateIsNoVerdictAndTheAgentConvergesOnTheNewestValue() throws Exception {
    DockerRig.dockerHost(); // the rig (and its packages) must be there; this test adds a daemon of its own
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { strategy: rolling, health_check_timeout: 90s, max_parallel: 2, cooldown: 1s }
          restart_strategy: { grace_period: 2s }
          shutdown_timeout: 5s
        secrets:
          - name: app/token
            inject: env
            rotation: true
        """);
    secret("v1");
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (SecondDaemon daemon = new SecondDaemon()) {
      String host = daemon.up();
      try (DockerCli docker = new DockerCli(host, "dso-rst-");
          AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", host))) {
        String name = docker.name("svc");
        agent.awaitMetrics(Duration.ofSeconds(60));
        docker.runDetached(name, List.of("--health-start-period", "120s",
            "--label", "dso.reloader=true", "--label", "dso.secrets=" + SECRET, "--label", "dso.update.strategy=rolling"),
            DockerCli.HEALTHY, SLOW_WHEN_ASKED);
        awaitValue(docker, name, "v1", Duration.ofSeconds(60));

        // the slow version's clone runs and waits in the health gate; then the daemon goes away
        secret("slow-v2");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
            assertThat(docker.psAll(name)).contains(name + "_dso_new running"));
        Thread.sleep(1_000);
        daemon.stop();
        long downAt = System.nanoTime();
        secret("v3"); // the newest value arrives while Docker is down
        Thread.sleep(3_000);
        assertThat(agent.alive()).isTrue();
        List<String> journalDuringOutage = journalFiles();
        daemon.up();
        long upAt = System.nanoTime();
        System.out.printf("daemon down for %d ms%n", (upAt - downAt) / 1_000_000);

        awaitValue(docker, name, "v3", CONVERGE_WITHIN);
        long convergedMs = (System.nanoTime() - upAt) / 1_000_000;
        assertThat(journalFiles()).as("rotation journal after convergence").isEmpty();

        List<JsonNode> audit = audit();
        List<JsonNode> rollbacks = audit.stream().filter(r -> r.path("event").asText().equals("rotation_rollback")).toList();
        assertThat(rollbacks).as("the outage shows as a rollback attempt caused by Docker").isNotEmpty();
        assertThat(rollbacks).allSatisfy(r ->
            assertThat(r.path("cause").asText()).as(r.toString()).isEqualTo("docker_unreachable"));
        String stderr = Files.readString(dir.resolve("stderr.log"));
        assertThat(stderr).as("the engine logs the outage as one").contains("the Docker Engine did not answer: retried once it does");
        System.out.printf("converged on v3 %d ms after the daemon answered again; journal during the outage %s; rollbacks %s%n",
            convergedMs, journalDuringOutage, rollbacks.stream().map(r -> r.path("step").asText() + "/" + r.path("status").asText()).toList());
        agent.terminate();
      } finally {
        keepLogs();
      }
    }
  }

  private void secret(String token) throws Exception {
    Path tmp = dir.resolve(".secrets.json.tmp");
    Files.writeString(tmp, RotationFixture.JSON.writeValueAsString(Map.of(SECRET, Map.of("TOKEN", token))));
    Files.move(tmp, dir.resolve("secrets.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void awaitValue(DockerCli docker, String name, String value, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
      assertThat(docker.psAll(name)).containsExactly(name + " running");
      assertThat(DockerCli.env(docker.inspect(name))).containsEntry("TOKEN", value);
    });
  }

  private List<JsonNode> audit() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("audit.log"))) {
      out.add(RotationFixture.JSON.readTree(line));
    }
    return out;
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

  private void keepLogs() {
    try {
      Path keep = Path.of(System.getProperty("java.io.tmpdir"), "dso-rotation-it", "docker-restart-" + dir.getFileName());
      Files.createDirectories(keep);
      for (String f : List.of("stdout.log", "stderr.log", "audit.log")) {
        if (Files.exists(dir.resolve(f))) {
          Files.copy(dir.resolve(f), keep.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (Exception e) {
      // best effort
    }
  }
}
