package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
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
 * The real agent runs a dso.yaml written the original Docker Secret Operator's way (provider option at
 * the provider level, version string, mode, logging, auto_sync, agent.rotation.enabled,
 * restart_strategy.type, a mapping written ENV_NAME: key, a file secret without a path) and then its
 * native twin: both put the same values in the same places of a rig container and follow a change.
 */
@Tag("docker")
class DialectAgentIT {
  private static final Duration WITHIN = Duration.ofSeconds(40);

  @TempDir Path dir;

  @Test
  void aDialectFileAndItsNativeTwinInjectTheSameValuesIntoTheSamePlaces() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String dialect = """
        version: v1.0.0
        mode: agent
        logging: { level: debug, format: json }
        providers:
          local:
            type: local
            path: secrets.json
        agent:
          auto_sync: true
          watch: { polling_interval: 1s }
          rotation: { enabled: true }
          restart_strategy: { type: rolling, grace_period: 1s }
        secrets:
          - name: e2e-%1$s/app
            mappings:
              APP_TOKEN: api-token
          - name: e2e-%1$s/cert
            inject: file
        """.formatted(tag);
    String twin = """
        version: 1
        logging: { level: debug, format: json }
        providers:
          local:
            type: local
            config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { strategy: rolling }
          restart_strategy: { grace_period: 1s }
        defaults:
          rotation: { enabled: true }
        secrets:
          - name: e2e-%1$s/app
            mappings:
              api-token: APP_TOKEN
          - name: e2e-%1$s/cert
            inject: { type: file, path: /run/secrets/dso/cert }
        """.formatted(tag);
    runs(tag, "dialect", dialect, true);
    runs(tag, "twin", twin, false);
  }

  private void runs(String tag, String which, String yaml, boolean dialect) throws Exception {
    Path run = Files.createDirectories(dir.resolve(which));
    String v1 = "CANARY-" + which + "-1-" + UUID.randomUUID();
    String v2 = "CANARY-" + which + "-2-" + UUID.randomUUID();
    String cert = "CANARY-" + which + "-cert-" + UUID.randomUUID();
    Path secrets = run.resolve("secrets.json");
    writeSecrets(secrets, tag, v1, cert);
    Path config = run.resolve("dso.yaml");
    Files.writeString(config, yaml);
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(run, config, metricsPort, apiPort, Map.of("DOCKER_HOST", docker.host),
            "--secrets-dir", DockerCli.shmDir().toString())) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      String app = docker.name(which + "-app");
      String files = docker.name(which + "-cert");
      docker.runDetached(app, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=e2e-" + tag + "/app"),
          DockerCli.HEALTHY);
      docker.runDetached(files, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=e2e-" + tag + "/cert",
          "--label", "dso.update.strategy=none"), DockerCli.BUSYBOX, "sleep", "3600");
      await().atMost(WITHIN).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(app)).containsEntry("APP_TOKEN", v1));
      await().atMost(WITHIN).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.exec(files, "cat", "/run/secrets/dso/cert/PEM")).isEqualTo(cert));
      writeSecrets(secrets, tag, v2, cert);
      await().atMost(WITHIN).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(app)).containsEntry("APP_TOKEN", v2));
      agent.terminate();
      String stderr = Files.readString(agent.stderr);
      // logging.format: json holds for both spellings; the original's auto_sync is named as having no effect.
      assertThat(stderr.lines().filter(l -> l.startsWith("{\"timestamp\"")).count()).as(stderr).isPositive();
      assertThat(stderr.contains("agent.auto_sync")).as(stderr).isEqualTo(dialect);
      for (String canary : List.of(v1, v2, cert)) {
        assertThat(stderr).doesNotContain(canary);
      }
    }
  }

  private static void writeSecrets(Path file, String tag, String token, String cert) throws Exception {
    Path tmp = file.resolveSibling("secrets.json.tmp");
    Files.writeString(tmp, """
        {"e2e-%1$s/app": {"api-token": "%2$s"}, "e2e-%1$s/cert": {"PEM": "%3$s"}}
        """.formatted(tag, token, cert));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
