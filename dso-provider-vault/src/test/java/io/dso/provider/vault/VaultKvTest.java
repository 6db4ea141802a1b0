package io.dso.provider.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.provider.ProviderContext;
import io.dso.testing.FakeVaultServer;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** KV v1 and v2 reads, version pinning, the metadata change check and error outcomes against {@link FakeVaultServer}. */
class VaultKvTest {
  private static final String TOKEN = "hvs.CANARY-token-kv";
  private final MutableClock clock = new MutableClock();
  private FakeVaultServer vault;

  @BeforeEach
  void start() throws Exception {
    vault = new FakeVaultServer(clock);
    vault.addToken(TOKEN, 0, false);
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  private SecretProvider provider(Map<String, Object> extra, Map<String, String> env) {
    Map<String, Object> config = new HashMap<>(Map.of("address", vault.address()));
    config.putAll(extra);
    if (!env.containsKey("VAULT_TOKEN") && !config.containsKey("token_file")) {
      config.putIfAbsent("token", TOKEN);
    }
    return new VaultProviderFactory().create(new ProviderContext("vault-test", config, Path.of("."), env, clock));
  }

  private SecretProvider provider(Map<String, Object> extra) {
    return provider(extra, Map.of());
  }

  private static SecretRef ref(String name) {
    return new SecretRef("vault-test", name);
  }

  @Test
  void kvV2ReadsTheLatestVersionSendingTokenAndNamespace() {
    vault.putV2("secret", "myapp/db", Map.of("DB_PASSWORD", "CANARY-v1"));
    vault.putV2("secret", "myapp/db", Map.of("DB_PASSWORD", "CANARY-v2", "DB_USER", "app"));
    vault.requiredNamespace = "team-a";
    try (SecretProvider p = provider(Map.of("namespace", "team-a", "kv_version", 2))) {
      SecretPayload payload = p.fetch(ref("myapp/db"));
      assertThat(payload.values()).containsEntry("DB_PASSWORD", "CANARY-v2").containsEntry("DB_USER", "app");
      assertThat(payload.changeToken()).contains("2");
    }
    FakeVaultServer.Request read = vault.requests("GET", "secret/data/myapp/db").getFirst();
    assertThat(read.token()).isEqualTo(TOKEN);
    assertThat(read.namespace()).isEqualTo("team-a");
  }

  @Test
  void versionPinReadsThatVersionAndItsTokenNeedsNoRequest() {
    vault.putV2("secret", "app", Map.of("K", "old"));
    vault.putV2("secret", "app", Map.of("K", "new"));
    try (SecretProvider p = provider(Map.of("kv_version", "2"))) {
      assertThat(p.fetch(ref("app?version=1")).values()).containsEntry("K", "old");
      int before = vault.log.size();
      assertThat(p.changeToken(ref("app?version=1"))).contains("1");
      assertThat(vault.log).hasSize(before);
    }
    assertThat(vault.requests("GET", "secret/data/app?version=1")).hasSize(1);
    assertThat(SecretName.parse("v", "team a/db#1").urlPath()).isEqualTo("team%20a/db%231");
    assertThatThrownBy(() -> SecretName.parse("v", "app?version=0")).hasMessageContaining("positive whole number");
    assertThatThrownBy(() -> SecretName.parse("v", "app?ver=2")).hasMessageContaining("version=N");
  }

  @Test
  void kvVersionIsDetectedFromTheMountOnceAndV1IsReadWithoutData() {
    vault.putV1("kv", "myapp/api", Map.of("API_KEY", "CANARY-v1kv"));
    vault.putV2("secret", "x", Map.of("A", "b"));
    try (SecretProvider v1 = provider(Map.of("mount", "kv"));
        SecretProvider v2 = provider(Map.of())) {
      assertThat(v1.fetch(ref("myapp/api")).values()).containsEntry("API_KEY", "CANARY-v1kv");
      assertThat(v1.fetch(ref("myapp/api")).changeToken()).isEmpty();
      assertThat(v1.changeToken(ref("myapp/api"))).isEmpty();
      assertThat(v2.fetch(ref("x")).values()).containsEntry("A", "b");
      assertThatThrownBy(() -> v1.fetch(ref("myapp/api?version=2"))).hasMessageContaining("KV v1");
    }
    assertThat(vault.requests("GET", "sys/internal/ui/mounts/kv")).hasSize(1);
    assertThat(vault.requests("GET", "sys/internal/ui/mounts/secret")).hasSize(1);
    assertThat(vault.requests("GET", "kv/myapp/api")).hasSize(2);
    assertThat(vault.requests("GET", "kv/data/")).isEmpty();
  }

  @Test
  void configuredKvV1SkipsDetection() {
    vault.putV1("kv", "a", Map.of("K", "v"));
    try (SecretProvider p = provider(Map.of("mount", "kv", "kv_version", "1"))) {
      assertThat(p.fetch(ref("a")).values()).containsEntry("K", "v");
    }
    assertThat(vault.requests("GET", "sys/")).isEmpty();
  }

  @Test
  void changeCheckOfAnUnchangedSecretReadsOnlyMetadata() {
    vault.putV2("secret", "poll/me", Map.of("K", "CANARY-poll"));
    try (SecretProvider p = provider(Map.of("kv_version", "2"))) {
      String held = p.fetch(ref("poll/me")).changeToken().orElseThrow();
      int dataReads = vault.requests("GET", "secret/data/").size();
      for (int i = 0; i < 100; i++) {
        assertThat(p.changeToken(ref("poll/me"))).contains(held);
      }
      assertThat(vault.requests("GET", "secret/data/")).as("no data read while unchanged").hasSize(dataReads);
      assertThat(vault.requests("GET", "secret/metadata/poll/me")).hasSize(100);

      vault.putV2("secret", "poll/me", Map.of("K", "CANARY-poll2"));
      Optional<String> changed = p.changeToken(ref("poll/me"));
      assertThat(changed).isPresent().isNotEqualTo(Optional.of(held));
      assertThat(p.fetch(ref("poll/me")).changeToken()).isEqualTo(changed);
    }
  }

  @Test
  void missingSecretAndDeletedVersionAreNotFound() {
    vault.putV2("secret", "gone", Map.of("K", "v1"));
    vault.putV2("secret", "gone", Map.of("K", "v2"));
    vault.deleteV2Version("secret", "gone", 2);
    try (SecretProvider p = provider(Map.of("kv_version", "2"))) {
      assertThatThrownBy(() -> p.fetch(ref("nope")))
          .isInstanceOf(SecretNotFoundException.class)
          .hasMessageContaining("secret/data/nope")
          .hasMessageContaining("'mount'");
      assertThatThrownBy(() -> p.fetch(ref("gone")))
          .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("version 2").hasMessageContaining("deleted");
      assertThat(p.fetch(ref("gone?version=1")).values()).containsEntry("K", "v1");
      assertThatThrownBy(() -> p.changeToken(ref("nope"))).isInstanceOf(SecretNotFoundException.class);
    }
  }

  @Test
  void deniedReadNamesThePolicyPathAndIsTriedOnceWithAFixedToken() {
    vault.putV2("secret", "myapp/db", Map.of("K", "v"));
    vault.deniedPaths.add("secret/data/myapp/db");
    try (SecretProvider p = provider(Map.of("kv_version", "2"))) {
      assertThatThrownBy(() -> p.fetch(ref("myapp/db")))
          .isInstanceOf(SecretAccessDeniedException.class)
          .hasMessageContaining("path \"secret/data/myapp/db\" { capabilities = [\"read\"] }")
          .hasMessageContaining("permission denied")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }
    assertThat(vault.requests("GET", "secret/data/myapp/db")).hasSize(1);
  }

  @Test
  void sealedVaultIsRetryableAndSaysSo() {
    vault.putV2("secret", "a", Map.of("K", "v"));
    vault.sealed = true;
    try (SecretProvider p = provider(Map.of("kv_version", "2"))) {
      assertThatThrownBy(() -> p.fetch(ref("a")))
          .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
          .hasMessageContaining("is sealed");
    }
  }

  @Test
  void unreachableVaultIsRetryable() {
    String address = vault.address();
    vault.close();
    try (SecretProvider p = new VaultProviderFactory().create(new ProviderContext("vault-test",
        Map.of("address", address, "token", TOKEN, "kv_version", "2"), Path.of("."), Map.of(), clock))) {
      assertThatThrownBy(() -> p.fetch(ref("a")))
          .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
          .hasMessageContaining("cannot reach Vault at " + address)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }
  }

  @Test
  void tokenFromTheEnvironmentIsUsed() {
    vault.putV2("secret", "a", Map.of("K", "v"));
    vault.addToken("hvs.CANARY-env", 0, false);
    try (SecretProvider p = provider(Map.of("kv_version", "2"), Map.of("VAULT_TOKEN", "hvs.CANARY-env"))) {
      p.fetch(ref("a"));
    }
    assertThat(vault.requests("GET", "secret/data/a").getFirst().token()).isEqualTo("hvs.CANARY-env");
  }

  @Test
  void validationNamesKeysNeverValues() {
    VaultProviderFactory f = new VaultProviderFactory();
    assertThat(VaultSettings.problems(Map.of("token", "CANARY-x"), Map.of()))
        .containsExactly("missing key 'address' (the Vault URL, e.g. https://vault.example:8200; VAULT_ADDR is used when set)");
    assertThat(VaultSettings.problems(Map.of("address", "ftp://x", "token", "t", "kv_version", 3, "colour", "red"), Map.of()))
        .hasSize(3).anySatisfy(s -> assertThat(s).startsWith("unknown key 'colour'"));
    assertThat(f.validate(Map.of("address", "https://v:8200", "auth", "approle", "role_id", "r")))
        .containsExactly("auth 'approle' needs exactly one of 'secret_id' and 'secret_id_file'");
    assertThat(f.validate(Map.of("address", "https://v:8200", "auth", "jwt", "role", "r", "jwt_file", "/t")))
        .isEmpty();
    assertThat(VaultSettings.problems(Map.of("address", "https://v:8200", "engine", "pki", "token", "CANARY-y"), Map.of()))
        .singleElement().asString().contains("'engine'").doesNotContain("CANARY");
  }
}
