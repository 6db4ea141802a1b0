package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 the agent while it recreates five env-mode containers, at varying moments, then start it
 * again: every target ends with the current version, exactly one container per name, all running,
 * no {@code _dso_new}/{@code _dso_old} left.
 */
@Tag("docker")
class CrashRecoveryIT {
  private static final int TARGETS = 5;
  private static final long[] KILL_AFTER_MS = {300, 600, 900, 1200, 1500};
  private static final Duration ROUND_LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void killedMidWorkTheAgentConvergesOnRestart() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String secret = "e2e-" + tag + "/crash";
    String label = "dso.env." + secret;
    Path secretsJson = dir.resolve("secrets.json");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          restart_strategy: { grace_period: 2s }
          rotation: { max_parallel: 2 }
        secrets:
          - name: %s
            inject: env
            rotation: true
        """.formatted(secret));
    Path state = dir.resolve("state"); // one HMAC key for every agent run
    try (DockerCli docker = new DockerCli()) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < TARGETS; i++) {
        String n = docker.name("crash" + i);
        names.add(n);
        docker.runDetached(n, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret),
            DockerCli.BUSYBOX, "sleep", "3600");
      }
      String previousVersion = null;
      for (int round = 0; round < KILL_AFTER_MS.length; round++) {
        long t0 = System.nanoTime();
        String value = "round-" + round + "-" + UUID.randomUUID();
        Files.writeString(secretsJson, "{\"%s\": {\"CRASH_VALUE\": \"%s\"}}".formatted(secret, value));

        Path killedDir = Files.createDirectories(dir.resolve("round" + round + "-killed"));
        try (AgentProcess killed = startAgent(killedDir, config, state, docker.host)) {
          killed.awaitMetrics(Duration.ofSeconds(30));
          Thread.sleep(KILL_AFTER_MS[round]);
          killed.kill();
        }
        List<String> left = docker.psAll(docker.suffix);
        System.out.printf("round %d: killed %d ms after /metrics answered; left: %s%n", round, KILL_AFTER_MS[round], left);
        Files.writeString(killedDir.resolve("left.txt"), String.join("\n", left));

        Path againDir = Files.createDirectories(dir.resolve("round" + round + "-again"));
        Instant roundStart = Instant.now().minusSeconds(5);
        try {
          String version;
          try (AgentProcess again = startAgent(againDir, config, state, docker.host)) {
            again.awaitMetrics(Duration.ofSeconds(30));
            Duration remaining = ROUND_LIMIT.minus(Duration.ofNanos(System.nanoTime() - t0));
            await().atMost(remaining).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
              Set<String> versions = new HashSet<>();
              for (String n : names) {
                JsonNode c = docker.inspect(n);
                assertThat(c.path("State").path("Running").asBoolean()).as(n + " running").isTrue();
                versions.add(DockerCli.labels(c).get(label));
                assertThat(docker.execEnv(n)).as(n + " env").containsEntry("CRASH_VALUE", value);
              }
              assertThat(versions).as("one version label on every target").hasSize(1).doesNotContainNull();
              assertThat(docker.namesLike(docker.suffix)).containsExactlyInAnyOrderElementsOf(names);
            });
            version = DockerCli.labels(docker.inspect(names.get(0))).get(label);
            again.terminate();
          }
          assertThat(version).as("the version label changes with the value").isNotEqualTo(previousVersion);
          previousVersion = version;
          for (String n : names) {
            assertThat(docker.psAll(n)).as("exactly one container named " + n + ", running").containsExactly(n + " running");
          }
          assertThat(docker.namesLike(docker.suffix)).noneMatch(n -> n.endsWith("_dso_new") || n.endsWith("_dso_old"));
          assertThat(Files.readString(againDir.resolve("audit.log"))).doesNotContain(value);
          assertThat(Files.readString(killedDir.resolve("audit.log"))).doesNotContain(value);
        } catch (AssertionError | RuntimeException e) {
          diagnose(docker, round, roundStart, killedDir, againDir);
          throw e;
        }
        System.out.printf("round %d: converged in %d ms%n", round, (System.nanoTime() - t0) / 1_000_000);
      }
    }
  }

  /**
   * Recovery finishes the agent's own interrupted replacements only: a user's containers that merely
   * end in {@code _dso_old}/{@code _dso_new} (no dso labels, no target of this config) are not removed,
   * renamed or started. Several agents on one daemon (the shared test rig) depend on this too.
   */
  @Test
  void recoveryLeavesContainersItDoesNotManageAlone() throws Exception {
    Path config = dir.resolve("dso.yaml");
    Files.writeString(dir.resolve("secrets.json"), "{\"e2e-foreign/s\": {\"V\": \"x\"}}");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        secrets:
          - name: e2e-foreign/s
            inject: env
        """);
    try (DockerCli docker = new DockerCli()) {
      String app = docker.name("app");
      String lone = docker.name("lone");
      docker.runDetached(app, List.of(), DockerCli.BUSYBOX, "sleep", "3600");
      docker.runDetached(app + "_dso_old", List.of(), DockerCli.BUSYBOX, "sleep", "3600");
      docker.ok("stop", "-t", "0", app + "_dso_old"); // a user's stopped backup copy
      docker.runDetached(lone + "_dso_new", List.of(), DockerCli.BUSYBOX, "sleep", "3600");
      docker.ok("stop", "-t", "0", lone + "_dso_new");
      List<String> before = docker.psAll(docker.suffix).stream().sorted().toList();
      Map<String, String> ids = Map.of(app + "_dso_old", docker.inspect(app + "_dso_old").path("Id").asText(),
          lone + "_dso_new", docker.inspect(lone + "_dso_new").path("Id").asText());

      try (AgentProcess agent = startAgent(dir, config, dir.resolve("state"), docker.host)) {
        agent.awaitMetrics(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() ->
            assertThat(AgentProcess.get(agent.apiPort, "/ready").statusCode()).isEqualTo(200));
        Thread.sleep(3000); // reconcileAll (and its recovery) runs right after the first fetch
        agent.terminate();
      }
      assertThat(docker.psAll(docker.suffix).stream().sorted().toList())
          .as("containers the agent does not manage, after an agent start").isEqualTo(before);
      ids.forEach((name, id) -> assertThat(docker.inspect(name).path("Id").asText()).isEqualTo(id));
      String stderr = Files.readString(dir.resolve("stderr.log"));
      assertThat(stderr).as("agent log").doesNotContain("recovery:");
    }
  }

  /** What happened in a round that failed: containers, Docker's events, both agents' logs and audit. */
  private static void diagnose(DockerCli docker, int round, Instant since, Path killedDir, Path againDir) {
    StringBuilder b = new StringBuilder("round " + round + " FAILED\n--- containers ---\n");
    b.append(docker.run("ps", "-a", "--filter", "name=" + docker.suffix, "--format", "{{.Names}} {{.State}} {{.ID}}").out());
    b.append("--- docker events ---\n");
    b.append(docker.run("events", "--since", String.valueOf(since.getEpochSecond()), "--until",
        String.valueOf(Instant.now().getEpochSecond() + 1), "--filter", "type=container",
        "--format", "{{.TimeNano}} {{.Action}} {{.Actor.Attributes.name}} {{printf \"%.12s\" .Actor.ID}}").out()
        .lines().filter(l -> l.contains(docker.suffix) && !l.contains("exec_")).collect(Collectors.joining("\n")));
    for (Path d : List.of(killedDir, againDir)) {
      for (String f : List.of("stderr.log", "audit.log")) {
        try {
          b.append("\n--- ").append(d.getFileName()).append('/').append(f).append(" ---\n")
              .append(Files.readString(d.resolve(f)));
        } catch (IOException e) {
          b.append("(").append(e.getMessage()).append(")");
        }
      }
    }
    System.out.println(b);
  }

  private static AgentProcess startAgent(Path runDir, Path config, Path state, String dockerHost) throws Exception {
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    return AgentProcess.startRaw(runDir, metricsPort, apiPort, Map.of("DOCKER_HOST", dockerHost),
        "agent", "-c", config.toString(), "-metrics-port", String.valueOf(metricsPort),
        "--api-addr", "127.0.0.1:" + apiPort, "--audit-log", runDir.resolve("audit.log").toString(),
        "--state-dir", state.toString());
  }
}
