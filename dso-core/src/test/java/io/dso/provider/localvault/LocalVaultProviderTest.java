package io.dso.provider.localvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.localvault.LocalVault;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalVaultProviderTest {
  static final Map<String, String> ENV = Map.of("DSO_MASTER_KEY", "provider-test-master-key-0123456789");
  @TempDir Path dir;

  SecretProvider provider(Map<String, Object> config, Map<String, String> env) {
    return new LocalVaultProviderFactory().create(new ProviderContext("lv", config, dir, env, Clock.systemUTC()));
  }

  @Test
  void anEntryIsServedAsTheKeyValueAndItsTokenChangesWhenTheVaultIsWritten() throws Exception {
    LocalVault vault = LocalVault.init(dir.resolve("home"), false, ENV);
    vault.put("app/db", "first");
    SecretProvider p = provider(Map.of("dir", "home"), ENV);
    SecretRef ref = new SecretRef("lv", "app/db");
    assertThat(p.fetch(ref).values()).isEqualTo(Map.of("value", "first"));
    String before = p.changeToken(ref).orElseThrow();
    assertThat(p.changeToken(ref)).contains(before);
    Thread.sleep(5);
    vault.put("app/db", "second");
    assertThat(p.changeToken(ref)).isPresent().get().isNotEqualTo(before);
    assertThat(p.fetch(ref).values()).isEqualTo(Map.of("value", "second"));
    assertThatThrownBy(() -> p.fetch(new SecretRef("lv", "app/none")))
        .isInstanceOf(SecretNotFoundException.class).hasMessageContaining("dso secret set app/none");
  }

  @Test
  void theDefaultDirectoryIsDsoHomeOfTheEnvironment() {
    Map<String, String> env = Map.of("DSO_MASTER_KEY", ENV.get("DSO_MASTER_KEY"), "DSO_HOME", dir.resolve("h2").toString());
    LocalVault.init(dir.resolve("h2"), false, env).put("p/x", "v");
    assertThat(provider(Map.of(), env).fetch(new SecretRef("lv", "p/x")).values()).containsEntry("value", "v");
    assertThat(new LocalVaultProviderFactory().validate(Map.of("path", "x"))).singleElement().asString().contains("unknown key 'path'");
  }

  @Test
  void aDamagedVaultIsANonRetryableFailureNamingTheFile() throws Exception {
    LocalVault vault = LocalVault.init(dir.resolve("home"), false, ENV);
    vault.put("app/db", "first");
    byte[] bytes = Files.readAllBytes(vault.file());
    bytes[bytes.length - 3] ^= 0x40;
    Files.write(vault.file(), bytes);
    assertThatThrownBy(() -> provider(Map.of("dir", "home"), ENV).fetch(new SecretRef("lv", "app/db")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining(vault.file().toString()).hasMessageContaining("damaged");
  }
}
