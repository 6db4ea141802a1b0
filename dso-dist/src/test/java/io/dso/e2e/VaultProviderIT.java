package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import io.dso.testing.FakeVaultServer;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent with the vault plugin loaded from dist/plugins/vault, reading a KV v2 secret from
 * {@link FakeVaultServer} (token auth, a namespace) into a real container's tmpfs file, then following
 * a new version; neither the values nor the token appear in the agent's output.
 */
@Tag("docker")
@Tag("e2e")
class VaultProviderIT {
  @TempDir Path dir;

  @Test
  void kvV2SecretFromThePluginReachesAContainerAndFollowsANewVersion() throws Exception {
    String token = "hvs.CANARY-e2e-token-" + UUID.randomUUID();
    String v1 = "CANARY-vault-v1-" + UUID.randomUUID();
    String v2 = "CANARY-vault-v2-" + UUID.randomUUID();
    String secret = "e2e-" + UUID.randomUUID().toString().substring(0, 8) + "/db";
    Path plugin = AgentProcess.repoRoot().resolve("dist/plugins/vault");
    assertThat(plugin.resolve("dso-provider-vault-0.1.0-SNAPSHOT.jar")).as("the plugin ships in dist/plugins").exists();

    try (FakeVaultServer vault = new FakeVaultServer(Clock.systemUTC())) {
      vault.addToken(token, 0, false);
      vault.requiredNamespace = "team-e2e";
      vault.putV2("secret", secret, Map.of("DB_PASSWORD", v1));
      Path config = dir.resolve("dso.yaml");
      Files.writeString(config, """
          providers:
            vault:
              type: vault
              config:
                address: %s
                namespace: team-e2e
                token: ${VAULT_E2E_TOKEN}
          agent:
            watch: { polling_interval: 1s }
          secrets:
            - name: %s
              provider: vault
              inject: { type: file, path: /run/secrets/db }
              rotation: true
          """.formatted(vault.address(), secret));

      Path shm = DockerCli.shmDir();
      int metricsPort = FreePorts.loopback();
      int apiPort = FreePorts.loopback();
      try (DockerCli docker = new DockerCli();
          AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort,
              Map.of("DOCKER_HOST", docker.host, "VAULT_E2E_TOKEN", token), "--secrets-dir", shm.toString())) {
        agent.awaitMetrics(Duration.ofSeconds(90));
        String app = docker.name("vault-app");
        docker.runDetached(app, List.of("--label", "dso.reloader=true",
            "--label", "dso.secrets=" + secret), DockerCli.BUSYBOX, "sleep", "3600");

        await().atMost(Duration.ofSeconds(45)).ignoreExceptions().untilAsserted(() ->
            assertThat(docker.exec(app, "cat", "/run/secrets/db/DB_PASSWORD")).isEqualTo(v1));

        vault.putV2("secret", secret, Map.of("DB_PASSWORD", v2));
        await().atMost(Duration.ofSeconds(45)).ignoreExceptions().untilAsserted(() ->
            assertThat(docker.exec(app, "cat", "/run/secrets/db/DB_PASSWORD")).isEqualTo(v2));

        assertThat(vault.log).allSatisfy(r -> {
          assertThat(r.token()).isEqualTo(token);
          assertThat(r.namespace()).isEqualTo("team-e2e");
        });
        agent.terminate();
        for (Path out : List.of(agent.stdout, agent.stderr, agent.audit)) {
          String text = Files.exists(out) ? Files.readString(out) : "";
          for (String canary : List.of(token, v1, v2)) {
            assertThat(text).as(out.getFileName() + " holds no secret or token").doesNotContain(canary);
          }
        }
      }
    }
  }
}
