package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    Path rigDir = Path.of("/tmp/dso-rig-e2e-" + UUID.randomUUID().toString().substring(0, 8));
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
    try {
      rig(rigDir, "up", false);
      String host = dockerHost(rigDir);
      try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", host))) {
        agent.awaitMetrics(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
          var ready = AgentProcess.get(apiPort, "/ready");
          assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
          assertThat(ready.body()).contains("\"docker\":\"connected\"");
        });

        long down = System.nanoTime();
        rig(rigDir, "down", false);
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

        rig(rigDir, "up", false);
        long up = System.nanoTime();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() -> {
          var ready = AgentProcess.get(apiPort, "/ready");
          assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
          assertThat(AgentProcess.metric(AgentProcess.get(metricsPort, "/metrics").body(), "dso_docker_up")).isEqualTo(1.0);
        });
        System.out.printf("reconnection reported %d ms after 'up' finished%n", (System.nanoTime() - up) / 1_000_000);

        try (DockerCli docker = new DockerCli(dockerHost(rigDir))) {
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
    } finally {
      rig(rigDir, "down", true);
    }
  }

  /** {@code scripts/test-rig.sh CMD} for the private rig in {@code rigDir}. */
  private static void rig(Path rigDir, String command, boolean purge) throws IOException, InterruptedException {
    Path log = Files.createTempFile("dso-rig-e2e", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(AgentProcess.repoRoot().resolve("scripts/test-rig.sh").toString(), command)
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().remove("DOCKER_HOST");
      pb.environment().put("DSO_TEST_RIG_DIR", rigDir.toString());
      if (purge) {
        pb.environment().put("DSO_TEST_RIG_PURGE", "1");
      }
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroy();
        throw new AssertionError("test-rig.sh " + command + " hung:\n" + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("test-rig.sh " + command + " failed (" + p.exitValue() + "):\n" + Files.readString(log)
            + tail(rigDir.resolve("dockerd.log")));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "\n--- " + file + " (tail) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static String dockerHost(Path rigDir) throws IOException {
    String env = Files.readString(rigDir.resolve("env"));
    Matcher m = Pattern.compile("DOCKER_HOST=(\\S+)").matcher(env);
    if (!m.find()) {
      throw new AssertionError("no DOCKER_HOST in " + rigDir.resolve("env") + ": " + env);
    }
    return m.group(1);
  }
}
