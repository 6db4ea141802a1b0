package io.dso.provider.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.provider.Lease;
import io.dso.provider.ProviderContext;
import io.dso.testing.FakeVaultServer;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dynamic credentials: the lease is reported, a successor becomes due at 2/3, retirement revokes the lease. */
class VaultDynamicTest {
  private static final SecretRef REF = new SecretRef("vault-db", "readonly");
  private final MutableClock clock = new MutableClock();
  private FakeVaultServer vault;

  @BeforeEach
  void start() throws Exception {
    vault = new FakeVaultServer(clock);
    vault.addToken("hvs.CANARY-dyn-token", 0, false);
    vault.dynamicMount("database", 6);
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  private SecretProvider provider() {
    return new VaultProviderFactory().create(new ProviderContext("vault-db",
        Map.of("address", vault.address(), "token", "hvs.CANARY-dyn-token", "mount", "database", "engine", "dynamic"),
        Path.of("."), Map.of(), clock));
  }

  @Test
  void aSixSecondLeaseIsReportedAndRetiringTheCredentialRevokesIt() {
    try (SecretProvider p = provider()) {
      SecretPayload first = p.fetch(REF);
      assertThat(first.values()).containsOnlyKeys("password", "username");
      Lease lease = first.lease().orElseThrow();
      assertThat(Duration.between(lease.issuedAt(), lease.expiresAt())).isEqualTo(Duration.ofSeconds(6));
      assertThat(lease.issuedAt()).isEqualTo(clock.instant());
      assertThat(lease.renewable()).isTrue();
      assertThat(lease.refreshAt()).isEqualTo(clock.instant().plusSeconds(4));
      assertThat(lease.id()).startsWith("database/creds/readonly/");
      assertThat(vault.requests("GET", "database/creds/readonly")).hasSize(1);

      // Until 2/3 of the lease the held credential stands; no new credential is issued by the check.
      clock.advance(Duration.ofSeconds(3));
      assertThat(p.changeToken(REF)).isEqualTo(first.changeToken());
      clock.advance(Duration.ofSeconds(1));
      assertThat(p.changeToken(REF)).isPresent().isNotEqualTo(first.changeToken());
      assertThat(vault.requests("GET", "database/creds/")).hasSize(1);

      SecretPayload second = p.fetch(REF);
      assertThat(second.values()).isNotEqualTo(first.values());
      assertThat(p.changeToken(REF)).isEqualTo(second.changeToken());
      assertThat(vault.revokedLeases).isEmpty();

      p.retire(REF, first);
      assertThat(vault.revokedLeases).containsExactly(lease.id());
      FakeVaultServer.Request revoke = vault.requests("PUT", "sys/leases/revoke").getFirst();
      assertThat(revoke.token()).isEqualTo("hvs.CANARY-dyn-token");
      assertThat(revoke.body().path("lease_id").asText()).isEqualTo(lease.id());
      assertThat(p.changeToken(REF)).as("retiring the old one keeps the current").isEqualTo(second.changeToken());
    }
  }

  @Test
  void aFailedRevocationIsLoggedNotThrown() {
    try (SecretProvider p = provider()) {
      SecretPayload first = p.fetch(REF);
      vault.deniedPaths.add("sys/leases/revoke");
      p.retire(REF, first);
      assertThat(vault.revokedLeases).isEmpty();
      p.retire(REF, new SecretPayload(Map.of("k", "v"))); // no lease: nothing to do
    }
    assertThat(vault.requests("PUT", "sys/leases/revoke")).hasSize(1);
  }
}
