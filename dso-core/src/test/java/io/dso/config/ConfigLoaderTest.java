package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static DsoConfig parse(String yaml, Map<String, String> env) {
    return new ConfigLoader(env, new StubProviderTypes()).parse(yaml, Path.of("dso.yaml"));
  }

  private static ConfigException problems(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> parse(yaml, Map.of()));
  }

  @Test
  void expandsVariablesWithDefaultsAndEscapedDollarsEverywhere() {
    DsoConfig config = parse("""
        providers:
          vault:
            type: vault
            config: { address: "${VAULT_ADDR:-http://127.0.0.1:8200}", password: "pa$$word", token: "${TOKEN}" }
            timeout: ${TIMEOUT:-3s}
        agent:
          refresh_interval: ${REFRESH}
        """, Map.of("TOKEN", "s.abc", "REFRESH", "90s"));

    ProviderSpec vault = config.providers().get("vault");
    assertThat(vault.config()).containsExactly(
        Map.entry("address", "http://127.0.0.1:8200"), Map.entry("password", "pa$word"), Map.entry("token", "s.abc"));
    assertThat(vault.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.agent().refreshInterval()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void theOnlyProviderIsTheDefaultForSecrets() {
    DsoConfig config = parse("providers:\n  mine: { type: env }\nsecrets:\n  - name: a\n", Map.of());

    assertThat(config.secrets()).singleElement().extracting(SecretSpec::provider).isEqualTo("mine");
  }

  @Test
  void smallAnchorsAndAliasesAreFine() {
    DsoConfig config = parse("""
        provider: env
        secrets:
          - name: a
            targets: &api { containers: [api], labels: { app: api } }
          - name: b
            targets: *api
        """, Map.of());

    assertThat(config.secret("b").orElseThrow().targets()).isEqualTo(config.secret("a").orElseThrow().targets());
  }

  @Test
  void unknownShorthandTypeIsReportedOnceNotAgainForEachSecret() {
    ConfigException e = problems("provider: vaultt\nsecrets:\n  - name: a\n  - name: b\n    provider: vaultt\n");

    assertThat(e.render()).isEqualTo(
        "dso.yaml:1: provider: unknown provider type 'vaultt'; known types: aws, env, file, local, vault (did you mean 'vault'?)");
  }

  @Test
  void configWithoutShorthandProviderIsRejected() {
    assertThat(problems("config: { path: s.json }\nproviders:\n  env: { type: env }\n").render()).isEqualTo(
        "dso.yaml:1: config: top-level config: belongs to the provider: shorthand; add provider: <type> or move it to "
            + "providers.<name>.config");
  }

  @Test
  void defaultsInjectFileNeedsEachSecretToGiveAPath() {
    assertThat(problems("provider: env\ndefaults: { inject: file }\nsecrets:\n  - name: myapp/db\n").render()).isEqualTo(
        "dso.yaml:4: secrets[0].inject: defaults.inject is file, so this secret needs its own inject: "
            + "{ type: file, path: /run/secrets/db }");
  }

  @Test
  void problemsCarryFileLineKeyAndHintSeparately() {
    ConfigProblem p = problems("provider: env\nagent:\n  cahce: true\n").problems().get(0);

    assertThat(p).isEqualTo(new ConfigProblem(Path.of("dso.yaml"), 3, "agent.cahce", "unknown key", "did you mean 'cache'?"));
  }

  @Test
  void booleansAreOnlyTrueOrFalse() {
    assertThat(problems("provider: env\nagent:\n  cache: on\n").render())
        .isEqualTo("dso.yaml:3: agent.cache: expected true or false, got 'on'");
  }
}
