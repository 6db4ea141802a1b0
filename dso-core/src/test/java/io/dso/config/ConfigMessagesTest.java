package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins the exact wording of the main user-facing problems: users and docs depend on it. */
class ConfigMessagesTest {
  private static final String CANARY = "CANARY-7f3a9c";

  private static String render(String yaml) {
    return render(yaml, Map.of());
  }

  private static String render(String yaml, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> new ConfigLoader(env, new StubProviderTypes()).parse(yaml, Path.of("dso.yaml")));
    assertThat(e).as("expected a ConfigException for:\n" + yaml).isNotNull();
    assertThat(e.getMessage()).isEqualTo(e.render());
    return e.render();
  }

  @Test
  void unknownKeySuggestsTheClosestAllowedKey() {
    assertThat(render("provider: env\nagent:\n  watch:\n    polling_intervall: 30s\n"))
        .isEqualTo("dso.yaml:4: agent.watch.polling_intervall: unknown key (did you mean 'polling_interval'?)");
  }

  @Test
  void unknownKeyWithoutCloseMatchListsTheAllowedKeys() {
    assertThat(render("provider: env\nagent:\n  watch:\n    schedule: hourly\n"))
        .isEqualTo("dso.yaml:4: agent.watch.schedule: unknown key (allowed here: mode, polling_interval)");
  }

  @Test
  void badDurationSaysHowToWriteIt() {
    assertThat(render("provider: env\nagent:\n  refresh_interval: 5 minutes\n"))
        .isEqualTo("dso.yaml:3: agent.refresh_interval: '5 minutes' is not a duration; write a number with a unit, "
            + "e.g. 500ms, 30s, 5m, 1h30m");
  }

  @Test
  void unknownProviderSuggestsAndListsTheConfiguredOnes() {
    assertThat(render("""
        providers:
          local: { type: local, config: { path: s.json } }
          aws-prod: { type: aws }
        secrets:
          - name: db
            provider: aws-prdo
        """))
        .isEqualTo("dso.yaml:6: secrets[0].provider: unknown provider 'aws-prdo'; configured providers: local, aws-prod "
            + "(did you mean 'aws-prod'?)");
  }

  @Test
  void missingEnvironmentVariableIsNamedWithTheFix() {
    assertThat(render("provider: vault\nconfig:\n  token: ${VAULT_TOKEN}\n"))
        .isEqualTo("dso.yaml:3: config.token: environment variable VAULT_TOKEN is not set; export it or write "
            + "${VAULT_TOKEN:-default}");
  }

  @Test
  void duplicateEnvTargetPointsAtTheFirstKey() {
    assertThat(render("provider: env\nsecrets:\n  - name: db\n    mappings:\n      A: PASSWORD\n      B: PASSWORD\n"))
        .isEqualTo("dso.yaml:6: secrets[0].mappings.B: env var 'PASSWORD' is already set from key A (line 5); "
            + "map each target from one key only");
  }

  @Test
  void badFilePathSaysWhereSecretsUsuallyGo() {
    assertThat(render("provider: env\nsecrets:\n  - name: db\n    inject: { type: file, path: /usr/share/db }\n"))
        .isEqualTo("dso.yaml:4: secrets[0].inject.path: '/usr/share/db' is under /usr, which belongs to the system; "
            + "secrets usually go to /run/secrets/<name>");
  }

  @Test
  void yamlSyntaxErrorHasItsLineAndNoStackTrace() {
    assertThat(render("provider: env\nagent:\n  cache: [true\n  refresh_interval: 5m\n"))
        .isEqualTo("dso.yaml:4: YAML syntax error: expected ',' or ']', but got : while parsing a flow sequence; "
            + "check the indentation and quoting on this line");
  }

  @Test
  void allProblemsAreReportedTogetherSortedByLine() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(Map.of(), new StubProviderTypes())
        .parse("provider: env\nsecrets:\n  - name: a\n    mappings: { X: 1X }\nagent:\n  cache: maybe\n", Path.of("dso.yaml")));
    assertThat(e.problems()).extracting(ConfigProblem::line).containsExactly(4, 6);
    assertThat(e.problems()).extracting(ConfigProblem::key).containsExactly("secrets[0].mappings.X", "agent.cache");
  }

  @Test
  void expandedSecretValuesNeverAppearInProblems() {
    Map<String, String> env = Map.of("C", CANARY);
    String yaml = """
        providers:
          one: { type: local, config: { path: "${C}" } }
          two: { type: "${C}" }
        agent:
          cache: "${C}"
          refresh_interval: "${C}"
          watch: { mode: "${C}", polling_interval: "${C}" }
          webhook: { enabled: "${C}", auth_token: "${C}" }
          rotation: { strategy: "${C}", max_parallel: "${C}", cooldown: "${C}" }
        defaults:
          inject: "${C}"
        secrets:
          - name: "${C}"
            provider: "${C}"
            rotation: "${C}"
            reload_strategy: { type: signal, signal: "${C}" }
            targets: { containers: ["${C}"] }
            mappings: { A: "${C}", B: "${C}" }
          - name: "${C}"
            inject: { type: file, path: "${C}", uid: "${C}", format: "${C}" }
            mappings: { A: "${C}/x" }
        """;
    String rendered = render(yaml, env);

    assertThat(rendered.lines().count()).isGreaterThanOrEqualTo(18);
    assertThat(rendered).doesNotContain(CANARY).doesNotContain("7f3a9c");
  }

  @Test
  void literalCredentialsAreNotQuotedEvenWhenInvalid() {
    String rendered = render("provider: env\nagent:\n  webhook: { enabled: true, auth_token: [" + CANARY + "] }\n");

    assertThat(rendered).isEqualTo("dso.yaml:3: agent.webhook.auth_token: expected a single value, found a list")
        .doesNotContain(CANARY);
  }

  @Test
  void missingFileIsUnreadableNotAConfigProblem(@TempDir Path dir) {
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), new StubProviderTypes()).load(dir.resolve("dso.yaml")))
        .isInstanceOf(ConfigUnreadableException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void binaryAndOversizedFilesAreUnreadable(@TempDir Path dir) throws IOException {
    ConfigLoader loader = new ConfigLoader(Map.of(), new StubProviderTypes());
    Path binary = Files.write(dir.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    Path nul = Files.write(dir.resolve("nul.yaml"), new byte[] {'a', ':', 0});
    Path big = Files.writeString(dir.resolve("big.yaml"), "# " + "x".repeat(1 << 20) + "\n");

    assertThatThrownBy(() -> loader.load(binary)).isInstanceOf(ConfigUnreadableException.class).hasMessageContaining("not UTF-8");
    assertThatThrownBy(() -> loader.load(nul)).isInstanceOf(ConfigUnreadableException.class).hasMessageContaining("binary data");
    assertThatThrownBy(() -> loader.load(big)).isInstanceOf(ConfigUnreadableException.class).hasMessageContaining("limited to 1 MiB");
  }

  @Test
  void emptyFileIsAProblemAtLineOne() {
    assertThat(render("")).isEqualTo("dso.yaml:1: the file is empty; start with a providers: section");
    assertThat(render("# only a comment\n")).isEqualTo("dso.yaml:1: the file is empty; start with a providers: section");
  }

  @Test
  void resolveFollowsFlagThenWorkingDirThenEtc(@TempDir Path dir) throws IOException {
    Path explicit = Files.writeString(dir.resolve("custom.yaml"), "provider: env\n");
    assertThat(ConfigLoader.resolve(Path.of("custom.yaml"), dir)).isEqualTo(explicit);
    assertThatThrownBy(() -> ConfigLoader.resolve(Path.of("nope.yaml"), dir))
        .isInstanceOf(ConfigUnreadableException.class).hasMessageContaining("-c/--config");

    Path local = Files.writeString(dir.resolve("dso.yaml"), "provider: env\n");
    assertThat(ConfigLoader.resolve(null, dir)).isEqualTo(local);

    Path empty = Files.createDirectory(dir.resolve("empty"));
    if (!Files.exists(Path.of("/etc/dso/dso.yaml"))) {
      assertThatThrownBy(() -> ConfigLoader.resolve(null, empty))
          .isInstanceOf(ConfigUnreadableException.class)
          .hasMessageContaining(empty.resolve("dso.yaml").toString())
          .hasMessageContaining("/etc/dso/dso.yaml");
    }
  }
}
