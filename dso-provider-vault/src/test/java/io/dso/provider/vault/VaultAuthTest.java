package io.dso.provider.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.provider.ProviderContext;
import io.dso.testing.FakeVaultServer;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token, token_file, AppRole and JWT auth: renewal at two thirds of the TTL, re-login, one retry after a 403. */
class VaultAuthTest {
  private static final SecretRef REF = new SecretRef("vault-auth", "myapp/db");
  private final MutableClock clock = new MutableClock();
  private FakeVaultServer vault;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    vault = new FakeVaultServer(clock);
    vault.putV2("secret", "myapp/db", Map.of("DB_PASSWORD", "CANARY-auth-pw"));
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  private SecretProvider provider(Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(Map.of("address", vault.address(), "kv_version", "2"));
    config.putAll(extra);
    return new VaultProviderFactory().create(new ProviderContext("vault-auth", config, dir, Map.of(), clock));
  }

  @Test
  void aConfiguredRenewableTokenIsRenewedAtTwoThirdsOfItsTtl() {
    vault.addToken("hvs.CANARY-fixed", 60, true);
    try (SecretProvider p = provider(Map.of("token", "hvs.CANARY-fixed"))) {
      p.fetch(REF);
      assertThat(vault.requests("GET", "auth/token/lookup-self")).hasSize(1);
      clock.advance(Duration.ofSeconds(39));
      p.fetch(REF);
      assertThat(vault.requests("POST", "auth/token/renew-self")).isEmpty();
      clock.advance(Duration.ofSeconds(2));
      p.fetch(REF);
      assertThat(vault.requests("POST", "auth/token/renew-self")).singleElement()
          .extracting(FakeVaultServer.Request::token).isEqualTo("hvs.CANARY-fixed");
      clock.advance(Duration.ofSeconds(50)); // past the original 60 s: alive only because it was renewed
      assertThat(p.fetch(REF).values()).containsEntry("DB_PASSWORD", "CANARY-auth-pw");
    }
    assertThat(vault.requests("GET", "auth/token/lookup-self")).hasSize(1);
  }

  @Test
  void tokenFileIsReReadWhenTheSinkRewritesIt() throws Exception {
    Path sink = dir.resolve("vault-token");
    vault.addToken("hvs.CANARY-file-a", 0, false);
    Files.writeString(sink, "hvs.CANARY-file-a\n");
    try (SecretProvider p = provider(Map.of("token_file", "vault-token"))) {
      p.fetch(REF);
      vault.revokeToken("hvs.CANARY-file-a");
      vault.addToken("hvs.CANARY-file-b", 0, false);
      Files.writeString(sink, "hvs.CANARY-file-b\n");
      Files.setLastModifiedTime(sink, FileTime.from(Instant.now().plusSeconds(5)));
      assertThat(p.fetch(REF).values()).containsEntry("DB_PASSWORD", "CANARY-auth-pw");
    }
    assertThat(vault.requests("GET", "secret/data/myapp/db")).extracting(FakeVaultServer.Request::token)
        .containsExactly("hvs.CANARY-file-a", "hvs.CANARY-file-b");
  }

  @Test
  void tokenFileRewrittenWithinTheSameTimestampIsPickedUpAfterA403() throws Exception {
    Path sink = dir.resolve("vault-token");
    vault.addToken("hvs.CANARY-same-a", 0, false);
    Files.writeString(sink, "hvs.CANARY-same-a");
    FileTime fixed = Files.getLastModifiedTime(sink);
    try (SecretProvider p = provider(Map.of("token_file", sink.toString()))) {
      p.fetch(REF);
      vault.revokeToken("hvs.CANARY-same-a");
      vault.addToken("hvs.CANARY-same-b", 0, false);
      Files.writeString(sink, "hvs.CANARY-same-b"); // same size
      Files.setLastModifiedTime(sink, fixed);
      p.fetch(REF);
    }
    assertThat(vault.requests("GET", "secret/data/myapp/db")).extracting(FakeVaultServer.Request::token)
        .containsExactly("hvs.CANARY-same-a", "hvs.CANARY-same-a", "hvs.CANARY-same-b");
  }

  @Test
  void appRoleLogsInRenewsAtTwoThirdsOfTheTtlAndLogsInAgainAfterRevocation() throws Exception {
    vault.roleId = "role-1";
    vault.secretId = "CANARY-secret-id";
    vault.loginTtl = 60;
    Files.writeString(dir.resolve("secret-id"), "CANARY-secret-id\n");
    try (SecretProvider p = provider(Map.of("auth", "approle", "role_id", "role-1", "secret_id_file", "secret-id"))) {
      p.fetch(REF);
      assertThat(vault.requests("POST", "auth/approle/login")).hasSize(1);
      assertThat(vault.requests("POST", "auth/approle/login").getFirst().body().path("secret_id").asText())
          .isEqualTo("CANARY-secret-id");
      String first = vault.requests("GET", "secret/data/").getFirst().token();

      clock.advance(Duration.ofSeconds(30)); // before 2/3 of 60 s: no renewal
      p.fetch(REF);
      assertThat(vault.requests("POST", "auth/token/renew-self")).isEmpty();

      clock.advance(Duration.ofSeconds(11)); // 41 s: past 2/3
      p.fetch(REF);
      assertThat(vault.requests("POST", "auth/token/renew-self")).singleElement()
          .extracting(FakeVaultServer.Request::token).isEqualTo(first);
      clock.advance(Duration.ofSeconds(50)); // the renewed token lives until 41 + 60
      p.fetch(REF);
      assertThat(vault.requests("POST", "auth/approle/login")).as("renewed, not re-logged").hasSize(1);

      vault.revokeToken(first);
      assertThat(p.fetch(REF).values()).containsEntry("DB_PASSWORD", "CANARY-auth-pw");
      assertThat(vault.requests("POST", "auth/approle/login")).as("one re-login after the 403").hasSize(2);
      String second = vault.requests("GET", "secret/data/").getLast().token();
      assertThat(second).isNotEqualTo(first);
    }
  }

  @Test
  void failedRenewalLeadsToANewLogin() {
    vault.roleId = "r";
    vault.secretId = "CANARY-sid";
    vault.loginTtl = 30;
    try (SecretProvider p = provider(Map.of("auth", "approle", "role_id", "r", "secret_id", "CANARY-sid"))) {
      p.fetch(REF);
      vault.revokeToken(vault.requests("GET", "secret/data/").getFirst().token());
      clock.advance(Duration.ofSeconds(21));
      p.fetch(REF);
    }
    assertThat(vault.requests("POST", "auth/token/renew-self")).hasSize(1);
    assertThat(vault.requests("POST", "auth/approle/login")).hasSize(2);
    assertThat(vault.requests("GET", "secret/data/")).hasSize(2);
  }

  @Test
  void persistentDenialMeansOneReLoginAndOneRetryNotALoop() {
    vault.roleId = "r";
    vault.secretId = "CANARY-sid2";
    vault.deniedPaths.add("secret/data/myapp/db");
    try (SecretProvider p = provider(Map.of("auth", "approle", "role_id", "r", "secret_id", "CANARY-sid2"))) {
      assertThatThrownBy(() -> p.fetch(REF))
          .isInstanceOf(SecretAccessDeniedException.class)
          .hasMessageContaining("secret/data/myapp/db")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("CANARY"));
    }
    assertThat(vault.requests("GET", "secret/data/myapp/db")).hasSize(2);
    assertThat(vault.requests("POST", "auth/approle/login")).hasSize(2);
  }

  @Test
  void rejectedLoginIsNotRetryableAndKeepsTheSecretIdOut() {
    vault.roleId = "r";
    vault.secretId = "something-else";
    try (SecretProvider p = provider(Map.of("auth", "approle", "role_id", "r", "secret_id", "CANARY-wrong"))) {
      assertThatThrownBy(() -> p.fetch(REF))
          .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
          .hasMessageContaining("AppRole login at " + vault.address() + "/v1/auth/approle/login failed (HTTP 400: invalid role or secret ID)")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("CANARY"));
    }
  }

  @Test
  void jwtLoginReadsTheTokenFileAtEachLogin() throws Exception {
    vault.jwtRole = "dso";
    vault.jwt = "eyJ.CANARY-jwt-1";
    Path jwt = dir.resolve("jwt");
    Files.writeString(jwt, "eyJ.CANARY-jwt-1");
    try (SecretProvider p = provider(Map.of("auth", "jwt", "role", "dso", "jwt_file", "jwt"))) {
      p.fetch(REF);
      vault.jwt = "eyJ.CANARY-jwt-2";
      Files.writeString(jwt, "eyJ.CANARY-jwt-2");
      vault.revokeToken(vault.requests("GET", "secret/data/").getFirst().token());
      p.fetch(REF);
    }
    assertThat(vault.requests("POST", "auth/jwt/login")).extracting(r -> r.body().path("jwt").asText())
        .containsExactly("eyJ.CANARY-jwt-1", "eyJ.CANARY-jwt-2");
  }
}
