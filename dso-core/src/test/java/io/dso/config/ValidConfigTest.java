package io.dso.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidConfigTest {
  private static final Path EXAMPLES = RepoRoot.find().resolve("examples");
  private final ConfigLoader loader = new ConfigLoader(Map.of(), new StubProviderTypes());

  private static ProviderSpec local(String name, String path, int line) {
    return new ProviderSpec(name, "local", Map.of("path", path), RetrySettings.DEFAULT, Duration.ofSeconds(10), line);
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void quickstartParsesToTheExpectedRecords() {
    Path file = EXAMPLES.resolve("quickstart/dso.yaml");
    DsoConfig config = loader.load(file);

    assertThat(config.source()).isEqualTo(file.toAbsolutePath().normalize());
    assertThat(config.providers()).containsExactly(Map.entry("local", local("local", "secrets.json", 6)));
    assertThat(config.agent())
        .isEqualTo(new AgentSettings(true, Duration.ofMinutes(5), new WatchSettings(WatchMode.POLLING, Duration.ofSeconds(2)),
            WebhookSettings.DEFAULT, RotationSettings.DEFAULT, Duration.ofSeconds(10)));
    assertThat(config.defaults()).isEqualTo(Defaults.DEFAULT);
    assertThat(config.secrets()).containsExactly(
        new SecretSpec("demo/db-credentials", "local", InjectSpec.ENV, true, null, null, Targets.NONE,
            ordered("DB_USER", "DB_USER", "DB_PASSWORD", "DB_PASSWORD"), 19),
        new SecretSpec("demo/api-key", "local", new InjectSpec(InjectMode.FILE, "/run/secrets/api", null, null, FileFormat.FILES),
            true, null, null, Targets.NONE, Map.of(), 25));
    assertThat(config.secret("demo/api-key")).map(SecretSpec::line).contains(25);
    assertThat(config.secret("nope")).isEmpty();
  }

  @Test
  void fullExampleSetsEveryKey() {
    DsoConfig config = loader.load(EXAMPLES.resolve("full/dso.yaml"));

    assertThat(config.providers()).containsExactly(
        Map.entry("app-local", new ProviderSpec("app-local", "local", Map.of("path", "../quickstart/secrets.json"),
            RetrySettings.DEFAULT, Duration.ofSeconds(10), 13, new RateLimitSettings(RateLimitSettings.UNLIMITED, 4))),
        Map.entry("host-env", new ProviderSpec("host-env", "env", Map.of("prefix", "APP_"), RetrySettings.DEFAULT,
            Duration.ofSeconds(10), 23)));
    assertThat(config.agent()).isEqualTo(new AgentSettings(true, LabelTargeting.OPEN, Duration.ofMinutes(5),
        new WatchSettings(WatchMode.POLLING, Duration.ofSeconds(30)), new WebhookSettings(false, null),
        new RotationSettings("rolling", Duration.ofSeconds(30), 2, Duration.ofSeconds(30)), Duration.ofSeconds(10),
        Duration.ofSeconds(30), new AuditSettings(AuditSettings.Fetches.CHANGES)));
    assertThat(config.metrics()).isEqualTo(new MetricsSettings(true));
    assertThat(config.defaults()).isEqualTo(new Defaults(InjectSpec.ENV, false, null));
    assertThat(config.secrets()).containsExactly(
        new SecretSpec("demo/db-credentials", "app-local", InjectSpec.ENV, true, null, new ReloadStrategy("signal", "SIGHUP"),
            new Targets(List.of("api"), Map.of("app", "api")),
            ordered("DB_USER", "DATABASE_USER", "DB_PASSWORD", "DATABASE_PASSWORD"), 60),
        new SecretSpec("demo/api-key", "app-local", new InjectSpec(InjectMode.FILE, "/run/secrets/api", 1000, 1000, FileFormat.FILES),
            true, "none", null, Targets.NONE, Map.of("API_KEY", "api_key"), 74));
    assertThat(config.secrets().get(0).mappings().keySet()).containsExactly("DB_USER", "DB_PASSWORD");
  }

  @Test
  void multiProviderExampleKeepsProviderOrderAndSettings() {
    DsoConfig config = loader.load(EXAMPLES.resolve("multi-provider/dso.yaml"));

    assertThat(config.providers().keySet()).containsExactly("team-a", "team-b", "host");
    assertThat(config.providers().get("team-b")).isEqualTo(new ProviderSpec("team-b", "local",
        Map.of("path", "../quickstart/secrets.json"),
        new RetrySettings(5, Duration.ofMillis(500), Duration.ofSeconds(10)), Duration.ofSeconds(5), 9));
    assertThat(config.providers().get("host").config()).isEqualTo(Map.of("prefix", "DSO_DEMO_"));
    assertThat(config.agent().watch()).isEqualTo(new WatchSettings(WatchMode.POLLING, Duration.ofSeconds(5)));
    assertThat(config.secrets()).extracting(SecretSpec::name, SecretSpec::provider).containsExactly(
        org.assertj.core.groups.Tuple.tuple("demo/db-credentials", "team-a"),
        org.assertj.core.groups.Tuple.tuple("demo/api-key", "team-b"),
        org.assertj.core.groups.Tuple.tuple("greeting", "host"));
    assertThat(config.secret("greeting").orElseThrow().mappings()).isEqualTo(Map.of("GREETING", "APP_GREETING"));
  }

  @Test
  void shorthandIsOneProviderNamedAfterItsTypeWithTypedConfigValues() {
    String yaml = """
        provider: vault
        config:
          address: "http://127.0.0.1:8200"
          mount: secret
          token: ${VAULT_TOKEN}
          port: 8200
          verify: true
          ratio: 0.5
          project_id: "0123"
          roles: [a, b]
          tls: { ca_file: ca.pem }
        secrets:
          - name: myapp/db
            inject: { path: /run/secrets/db, format: json }
            rotation: { strategy: signal }
            reload_strategy: signal
        """;
    DsoConfig config = new ConfigLoader(Map.of("VAULT_TOKEN", "8200"), new StubProviderTypes()).parse(yaml, Path.of("dso.yaml"));

    ProviderSpec vault = config.providers().get("vault");
    assertThat(vault.name()).isEqualTo("vault");
    assertThat(vault.line()).isEqualTo(1);
    assertThat(vault.config()).containsExactly(
        Map.entry("address", "http://127.0.0.1:8200"), Map.entry("mount", "secret"),
        Map.entry("token", "8200"), // expanded values stay strings
        Map.entry("port", 8200), Map.entry("verify", true), Map.entry("ratio", 0.5),
        Map.entry("project_id", "0123"), Map.entry("roles", List.of("a", "b")),
        Map.entry("tls", Map.of("ca_file", "ca.pem")));
    assertThat(vault.toString()).doesNotContain("8200\"").doesNotContain("token=");
    assertThat(config.secrets()).containsExactly(new SecretSpec("myapp/db", "vault",
        new InjectSpec(InjectMode.FILE, "/run/secrets/db", null, null, FileFormat.JSON), true, "signal",
        new ReloadStrategy("signal", "SIGHUP"), Targets.NONE, Map.of(), 13));
  }

  @Test
  void shutdownTimeoutIsReadAndDefaultsToThirtySeconds() {
    String yaml = """
        provider: env
        agent:
          shutdown_timeout: 7s
        secrets:
          - name: a
        """;
    DsoConfig set = new ConfigLoader(Map.of(), new StubProviderTypes()).parse(yaml, Path.of("dso.yaml"));
    DsoConfig unset = new ConfigLoader(Map.of(), new StubProviderTypes())
        .parse(yaml.replace("agent:\n  shutdown_timeout: 7s\n", ""), Path.of("dso.yaml"));

    assertThat(set.agent().shutdownTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(unset.agent().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void defaultsApplyToSecretsThatDoNotSayOtherwise() {
    String yaml = """
        providers:
          files: { type: file, config: { dir: /run/dso-src } }
        defaults:
          inject: { type: file, uid: 1000, format: json }
          rotation: { enabled: true, strategy: restart }
        secrets:
          - name: a
            inject: { path: /run/secrets/a }
          - name: b
            inject: env
            rotation: false
        """;
    DsoConfig config = loader.parse(yaml, Path.of("dso.yaml"));

    assertThat(config.defaults()).isEqualTo(new Defaults(new InjectSpec(InjectMode.FILE, null, 1000, null, FileFormat.JSON), true, "restart"));
    assertThat(config.secret("a").orElseThrow().inject()).isEqualTo(new InjectSpec(InjectMode.FILE, "/run/secrets/a", 1000, null, FileFormat.JSON));
    assertThat(config.secret("a").orElseThrow().rotation()).isTrue();
    assertThat(config.secret("b").orElseThrow().inject()).isEqualTo(InjectSpec.ENV);
    assertThat(config.secret("b").orElseThrow().rotation()).isFalse();
  }

  @Test
  void webhookTokenNeverShowsInToString() {
    DsoConfig config = new ConfigLoader(Map.of("T", "CANARY-7f3a9c"), new StubProviderTypes()).parse("""
        provider: env
        agent:
          watch: { mode: hybrid }
          webhook: { enabled: true, auth_token: "${T}" }
        """, Path.of("dso.yaml"));

    assertThat(config.agent().webhook().authToken()).isEqualTo("CANARY-7f3a9c");
    assertThat(config.toString()).doesNotContain("CANARY-7f3a9c");
  }

  @Test
  void recordsAreImmutable() {
    DsoConfig config = loader.load(EXAMPLES.resolve("full/dso.yaml"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> config.secrets().clear()).isInstanceOf(UnsupportedOperationException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> config.providers().get("app-local").config().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> config.secrets().get(0).mappings().put("x", "Y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
