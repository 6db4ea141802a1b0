package io.dso.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.provider.SecretPayload;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaterialsTest {
  private static final String CANARY = "CANARY-materials-93ab";
  private final SecretPayload payload = new SecretPayload(Map.of("DB_PASSWORD", CANARY, "DB_USER", "app"));

  @Test
  void mappingsRenameProviderKeysToEnvVars() {
    var env = Materials.env(InjectFixtures.env("db", Map.of("DB_USER", "DATABASE_USER")), payload);
    assertThat(env).containsExactly(Map.entry("DATABASE_USER", "app"));
  }

  @Test
  void withoutMappingsEveryKeyIsInjectedAsIs() {
    assertThat(Materials.env(InjectFixtures.env("db", Map.of()), payload)).containsOnlyKeys("DB_PASSWORD", "DB_USER");
  }

  @Test
  void aMappedKeyMissingFromThePayloadNamesTheKeyButNoValue() {
    assertThatThrownBy(() -> Materials.env(InjectFixtures.env("db", Map.of("NOPE", "X")), payload))
        .isInstanceOf(InjectionException.class)
        .hasMessage("secret 'db' has no key 'NOPE' (it has [DB_PASSWORD, DB_USER]); fix 'mappings' or the secret in its provider")
        .message().doesNotContain(CANARY);
  }

  @Test
  void aPayloadKeyThatIsNoValidNameNeedsAMapping() {
    SecretPayload odd = new SecretPayload(Map.of("db-password", CANARY));
    assertThatThrownBy(() -> Materials.env(InjectFixtures.env("db", Map.of()), odd))
        .hasMessageContaining("key 'db-password' is not a valid environment variable; add 'mappings'");
    assertThat(Materials.files(InjectFixtures.file("db", "/run/secrets/db", io.dso.config.FileFormat.FILES, Map.of()), odd)).containsKey("db-password");
    assertThatThrownBy(() -> Materials.files(InjectFixtures.file("db", "/run/secrets/db", io.dso.config.FileFormat.FILES, Map.of()),
        new SecretPayload(Map.of("../escape", "x")))).hasMessageContaining("is not a valid file name");
  }
}
