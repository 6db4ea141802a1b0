package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.provider.azure.FakeKeyVaultServer;
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
 * The real agent loads the Azure Key Vault plugin from dist/plugins/azure and reads, over HTTPS with
 * the service principal, from the fake Key Vault on 127.0.0.1 (trusted through the provider's
 * {@code ca_cert}); a labelled container gets the value and follows a new version.
 */
@Tag("docker")
@Tag("e2e")
class AzureKeyVaultPluginIT {
  @TempDir Path dir;

  @Test
  void aContainerGetsItsValueFromKeyVaultThroughThePluginAndFollowsANewVersion() throws Exception {
    String clientSecret = "CANARY-sp-" + UUID.randomUUID();
    String v1 = "CANARY-kv1-" + UUID.randomUUID();
    String v2 = "CANARY-kv2-" + UUID.randomUUID();
    String secret = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    FakeKeyVaultServer.generateCertificate(dir);
    try (FakeKeyVaultServer fake = new FakeKeyVaultServer(dir, clientSecret)) {
      fake.put(secret, "{\"API_TOKEN\":\"" + v1 + "\"}");
      Path config = dir.resolve("dso.yaml");
      Files.writeString(config, """
          provider: azure
          config:
            vault_url: %s
            tenant_id: %s
            client_id: %s
            authority_host: %s
            ca_cert: fake-kv-cert.pem
            verify_challenge_resource: false
            format: json
          agent:
            watch: { polling_interval: 1s }
            restart_strategy: { grace_period: 2s }
          secrets:
            - name: %s
              inject: env
              rotation: true
          """.formatted(fake.url(), FakeKeyVaultServer.TENANT, FakeKeyVaultServer.CLIENT_ID, fake.url(), secret));

      int metricsPort = FreePorts.loopback();
      int apiPort = FreePorts.loopback();
      try (DockerCli docker = new DockerCli();
          AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort,
              Map.of("DOCKER_HOST", docker.host, "AZURE_CLIENT_SECRET", clientSecret))) {
        agent.awaitMetrics(Duration.ofSeconds(90));
        String name = docker.name("kv");
        docker.runDetached(name, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret),
            DockerCli.HEALTHY);
        try {
          await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
              assertThat(docker.execEnv(name)).containsEntry("API_TOKEN", v1));
        } catch (AssertionError e) {
          throw new AssertionError("fake saw " + fake.summary() + "; agent stderr:\n" + Files.readString(agent.stderr), e);
        }

        fake.put(secret, "{\"API_TOKEN\":\"" + v2 + "\"}");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
            assertThat(docker.execEnv(name)).containsEntry("API_TOKEN", v2));

        // The plugin authenticated as the service principal and sent its token as bearer.
        assertThat(fake.tokenRequests()).isNotEmpty();
        assertThat(fake.secretReads()).anySatisfy(r -> assertThat(r.authorization()).startsWith("Bearer fake-token-"));
        assertThat(fake.received()).allSatisfy(r -> assertThat(r.body()).doesNotContain(v1));
        for (Path log : List.of(agent.stdout, agent.stderr, agent.audit)) {
          String text = Files.exists(log) ? Files.readString(log) : "";
          for (String canary : List.of(clientSecret, v1, v2)) {
            assertThat(text).as(log + " must not contain a secret").doesNotContain(canary);
          }
        }
      }
    }
  }
}
