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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dynamic database credential with a 6 s lease from {@link FakeVaultServer}: the agent fetches a
 * successor before the lease ends (at two thirds), the container holds the new credential before the
 * old one expires, and the old lease is revoked once nothing uses it.
 */
@Tag("docker")
@Tag("e2e")
class VaultLeaseRotationIT {
  private static final long LEASE_SECONDS = 6;

  @TempDir Path dir;

  @Test
  void dynamicCredentialIsRotatedIntoTheContainerBeforeItsLeaseEndsAndTheOldLeaseIsRevoked() throws Exception {
    String token = "hvs.CANARY-lease-token-" + UUID.randomUUID();
    try (FakeVaultServer vault = new FakeVaultServer(Clock.systemUTC())) {
      vault.addToken(token, 0, false);
      vault.dynamicMount("database", LEASE_SECONDS);
      Path config = dir.resolve("dso.yaml");
      Files.writeString(config, """
          providers:
            vault-db:
              type: vault
              config: { address: %s, token: "${VAULT_E2E_TOKEN}", mount: database, engine: dynamic }
          agent:
            watch: { polling_interval: 1s }
            rotation: { cooldown: 1s }
          secrets:
            - name: readonly
              provider: vault-db
              inject: { type: file, path: /run/secrets/db }
              rotation: true
          """.formatted(vault.address()));

      Path shm = DockerCli.shmDir();
      int metricsPort = FreePorts.loopback();
      int apiPort = FreePorts.loopback();
      try (DockerCli docker = new DockerCli();
          AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort,
              Map.of("DOCKER_HOST", docker.host, "VAULT_E2E_TOKEN", token), "--secrets-dir", shm.toString())) {
        agent.awaitMetrics(Duration.ofSeconds(90));
        String app = docker.name("vault-db");
        docker.runDetached(app, List.of("--label", "dso.reloader=true",
            "--label", "dso.secrets=readonly"), DockerCli.BUSYBOX, "sleep", "3600");

        String[] first = new String[1];
        await().atMost(Duration.ofSeconds(45)).ignoreExceptions().untilAsserted(() -> {
          first[0] = docker.exec(app, "cat", "/run/secrets/db/username");
          assertThat(first[0]).startsWith("v-readonly-");
        });
        String firstLease = leaseOf(vault, first[0]);
        Instant firstExpiry = vault.leaseIssued.get(firstLease).plusSeconds(LEASE_SECONDS);

        // The successor must be in the container before the first credential stops working.
        String[] now = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
          now[0] = docker.exec(app, "cat", "/run/secrets/db/username");
          return !now[0].equals(first[0]);
        });
        Instant seen = Instant.now();
        assertThat(seen).as("successor %s in the container before %s expired", now[0], first[0]).isBefore(firstExpiry);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(vault.revokedLeases).as("the retired credential's lease is revoked").contains(firstLease));
        assertThat(vault.revokedLeases).doesNotContain(leaseOf(vault, now[0]));

        // A poll before the refresh point must not issue a credential: about one per 4 s, not one per poll.
        long seconds = Duration.between(vault.leaseIssued.get(firstLease), Instant.now()).toSeconds();
        assertThat(vault.leaseIssued).as("credentials issued in %d s", seconds).hasSizeLessThanOrEqualTo((int) (seconds / 4) + 2);

        String metrics = AgentProcess.get(metricsPort, "/metrics").body();
        assertThat(metrics).contains("dso_secret_lease_expiry_timestamp_seconds{secret=\"readonly\"}");
        agent.terminate();
        String err = Files.readString(agent.stderr);
        assertThat(err).doesNotContain(token).doesNotContain("CANARY-dyn-");
      }
    }
  }

  private static String leaseOf(FakeVaultServer vault, String username) {
    return vault.leaseUser.entrySet().stream().filter(e -> e.getValue().equals(username))
        .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no lease issued for " + username));
  }
}
