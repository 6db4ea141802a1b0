package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in dialect/ is written the way the original Docker Secret Operator documents it; its
 * {@code .native.yaml} twin says the same thing in the native form. The two must load to the same
 * config, and the migrated text must load to it too without any dialect left.
 */
class DialectCorpusTest {
  private static final Path CORPUS = RepoRoot.find().resolve("dso-core/src/test/resources/dialect");
  private static final Map<String, String> ENV = Map.of(
      "AWS_KEY_ID", "canary-key-id-7f3a", "AWS_SECRET", "canary-aws-secret-91bc", "VAULT_TOKEN", "canary-vault-token-55de",
      "ROLE_ID", "canary-role-id-0c1d", "AZURE_CLIENT_SECRET", "canary-azure-secret-a1b2", "HW_AK", "canary-hw-ak-3c4d",
      "HW_SK", "canary-hw-sk-5e6f", "DSO_WEBHOOK_TOKEN", "canary-webhook-token-7a8b");
  private static final ConfigLoader LOADER = new ConfigLoader(ENV, new AnyProviderTypes());

  static Stream<String> dialectFiles() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.endsWith(".native.yaml")).sorted().toList().stream();
    }
  }

  @Test
  void corpusHoldsAtLeastFifteenFilesEachWithItsNativeTwin() throws IOException {
    List<String> files = dialectFiles().toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(15);
    for (String f : files) {
      assertThat(CORPUS.resolve(twin(f))).as("twin of " + f).exists();
    }
  }

  @ParameterizedTest
  @MethodSource("dialectFiles")
  void dialectFileLoadsToTheSameConfigAsItsNativeTwin(String file) throws IOException {
    ConfigLoader.Loaded dialect = load(file);
    ConfigLoader.Loaded twin = load(twin(file));
    assertThat(normalized(dialect.config())).isEqualTo(normalized(twin.config()));
    assertThat(twin.dialect()).as("the twin is native").isEmpty();
    assertThat(dialect.logging()).isEqualTo(twin.logging());
  }

  @ParameterizedTest
  @MethodSource("dialectFiles")
  void validationNamesEveryFormTheFileUses(String file) throws IOException {
    List<String> expected = Files.readAllLines(CORPUS.resolve(file)).stream()
        .filter(l -> l.startsWith("# form: ")).map(l -> l.substring("# form: ".length()).trim()).toList();
    assertThat(expected).as("the file says which forms it uses").isNotEmpty();
    List<String> seen = load(file).dialect().stream().map(DialectForm::key).toList();
    assertThat(seen).containsAll(expected);
  }

  @ParameterizedTest
  @MethodSource("dialectFiles")
  void migratedTextIsNativeAndMeansTheSameAsTheTwin(String file) throws IOException {
    String text = Files.readString(CORPUS.resolve(file));
    String migrated = DialectMigration.rewrite(text, Path.of(file));
    ConfigLoader.Loaded again = LOADER.parseAll(migrated, Path.of(file));
    assertThat(again.dialect()).as("migrated text of " + file + ":\n" + migrated).isEmpty();
    assertThat(normalized(again.config())).isEqualTo(normalized(load(twin(file)).config()));
    for (String canary : ENV.values()) {
      assertThat(migrated).doesNotContain(canary);
    }
    if (text.contains("${")) {
      assertThat(migrated).contains("${");
    }
    assertThat(migrated).contains("# translated line ");
  }

  @Test
  void loggingSectionIsHonouredAndAutoSyncWarnsThatItHasNoEffect() throws IOException {
    assertThat(load("11-version-mode-logging.yaml").logging()).isEqualTo(new LogSettings("debug", "json"));
    DialectForm autoSync = load("20-auto-sync.yaml").dialect().stream()
        .filter(f -> f.key().equals("agent.auto_sync")).findFirst().orElseThrow();
    assertThat(autoSync.noEffect()).isTrue();
    assertThat(autoSync.render()).contains("agent.auto_sync").contains("no effect");
  }

  @Test
  void keysThatAreNeitherNativeNorDialectAreStillErrorsWithSuggestions() {
    String text = """
        providers:
          vault:
            type: vault
            auth: { method: approle, params: { role_idd: x } }
          aws:
            type: aws
            confg: { region: us-east-1 }
        agent:
          refresh_intervall: 5m
        """;
    assertThatThrownBy(() -> LOADER.parse(text, Path.of("dso.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.render())
            .contains("dso.yaml:4: providers.vault.auth.params.role_idd: unknown auth parameter for type vault")
            .contains("dso.yaml:7: providers.aws.confg: unknown key (did you mean 'config'?)")
            .contains("dso.yaml:9: agent.refresh_intervall: unknown key (did you mean 'refresh_interval'?)"));
  }

  @Test
  void anAuthMethodTheProviderDoesNotKnowIsAnErrorListingTheKnownOnes() {
    String text = """
        providers:
          aws:
            type: aws
            auth: { method: approle }
        """;
    assertThatThrownBy(() -> LOADER.parse(text, Path.of("dso.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.render())
            .contains("dso.yaml:4: providers.aws.auth.method: auth method 'approle' is not known for type aws")
            .contains("access_key, env, iam_role"));
  }

  @Test
  void aNativeFileSecretWithoutAPathIsStillAnError() {
    String text = """
        providers:
          local: { type: local, config: { path: s.json } }
        secrets:
          - name: app
            inject: file
        """;
    assertThatThrownBy(() -> LOADER.parse(text, Path.of("dso.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.render()).contains("file injection needs a path"));
  }

  private static ConfigLoader.Loaded load(String file) throws IOException {
    return LOADER.parseAll(Files.readString(CORPUS.resolve(file)), Path.of(file));
  }

  private static String twin(String file) {
    return file.replace(".yaml", ".native.yaml");
  }

  /** The source file and line numbers differ between twins by nature; everything else must be equal. */
  private static DsoConfig normalized(DsoConfig c) {
    Map<String, ProviderSpec> providers = new LinkedHashMap<>();
    c.providers().forEach((k, v) -> providers.put(k, new ProviderSpec(v.name(), v.type(), v.config(), v.retry(), v.timeout(), 0)));
    List<SecretSpec> secrets = c.secrets().stream().map(s -> new SecretSpec(s.name(), s.provider(), s.inject(), s.rotation(),
        s.rotationStrategy(), s.reloadStrategy(), s.targets(), s.mappings(), 0, s.allowReserved())).toList();
    return new DsoConfig(Path.of("/dso.yaml"), providers, c.agent(), c.defaults(), secrets);
  }

  /** Every provider type of the original, each config accepted: the providers' own checks are not under test here. */
  private static final class AnyProviderTypes implements ProviderTypes {
    private static final Set<String> TYPES = Set.of("local", "env", "file", "vault", "aws", "azure", "huawei");

    @Override
    public boolean known(String type) {
      return TYPES.contains(type);
    }

    @Override
    public Set<String> knownTypes() {
      return TYPES;
    }

    @Override
    public List<String> validate(String type, Map<String, Object> config) {
      return List.of();
    }
  }
}
