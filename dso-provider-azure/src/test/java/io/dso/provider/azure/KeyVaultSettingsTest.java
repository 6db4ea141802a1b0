package io.dso.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.provider.ProviderContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyVaultSettingsTest {
  private final KeyVaultProviderFactory factory = new KeyVaultProviderFactory();

  @Test
  void aVaultNameBecomesThePublicCloudUrl() {
    KeyVaultSettings s = KeyVaultSettings.from(ctx(Map.of("vault_name", "my-vault"), Map.of()));
    assertThat(s.vaultUrl()).isEqualTo("https://my-vault.vault.azure.net");
    assertThat(s.auth()).isEqualTo(KeyVaultSettings.Auth.DEFAULT);
    assertThat(s.format()).isEqualTo(KeyVaultSettings.Format.TEXT);
    assertThat(s.connectTimeout()).isEqualTo(KeyVaultSettings.DEFAULT_CONNECT_TIMEOUT);
  }

  @Test
  void servicePrincipalFieldsComeFromTheEnvironmentWhenNotConfigured() {
    KeyVaultSettings s = KeyVaultSettings.from(ctx(Map.of("vault_name", "v1x", "auth", "service_principal"),
        Map.of("AZURE_TENANT_ID", "t", "AZURE_CLIENT_ID", "c", "AZURE_CLIENT_SECRET", "CANARY-env-secret")));
    assertThat(s.tenantId()).isEqualTo("t");
    assertThat(s.clientId()).isEqualTo("c");
    assertThat(s.clientSecret()).isEqualTo("CANARY-env-secret");
    assertThat(s.toString()).doesNotContain("CANARY").contains("(hidden)");
  }

  @Test
  void aClientSecretInTheEnvironmentSelectsTheServicePrincipalNotTheChain() {
    KeyVaultSettings s = KeyVaultSettings.from(ctx(Map.of("vault_name", "v1x"),
        Map.of("AZURE_TENANT_ID", "t", "AZURE_CLIENT_ID", "c", "AZURE_CLIENT_SECRET", "CANARY-env-secret")));
    assertThat(s.auth()).isEqualTo(KeyVaultSettings.Auth.SERVICE_PRINCIPAL);
  }

  @Test
  void validationNamesEachProblem() {
    assertThat(factory.validate(Map.of())).anySatisfy(p -> assertThat(p).contains("missing 'vault_url'"));
    assertThat(factory.validate(Map.of("vault_url", "https://a.vault.azure.net", "vault_name", "abc")))
        .anySatisfy(p -> assertThat(p).contains("not both"));
    assertThat(factory.validate(Map.of("vault_url", "http://a.vault.azure.net")))
        .anySatisfy(p -> assertThat(p).contains("must be an https URL"));
    assertThat(factory.validate(Map.of("vault_name", "abc", "format", "xml")))
        .anySatisfy(p -> assertThat(p).contains("'format' must be one of text, json"));
    assertThat(factory.validate(Map.of("vault_name", "abc", "auth", "password")))
        .anySatisfy(p -> assertThat(p).contains("'auth' must be one of"));
    assertThat(factory.validate(Map.of("vault_name", "abc", "read_timeout", "10")))
        .anySatisfy(p -> assertThat(p).contains("'read_timeout'"));
    assertThat(factory.validate(Map.of("vault_name", "abc", "region", "x")))
        .anySatisfy(p -> assertThat(p).contains("unknown key 'region'"));
    assertThat(factory.validate(Map.of("vault_name", "abc", "format", "json", "auth", "managed-identity",
        "read_timeout", "3s"))).isEmpty();
  }

  @Test
  void theFactoryIsBuiltForThisAgentsSpi() {
    assertThat(factory.spiVersion()).isEqualTo(io.dso.provider.SecretProviderFactory.SPI_VERSION);
    assertThat(factory.type()).isEqualTo("azure");
  }

  private static ProviderContext ctx(Map<String, Object> config, Map<String, String> env) {
    return new ProviderContext("kv", config, Path.of("/tmp"), env, Clock.systemUTC());
  }
}
