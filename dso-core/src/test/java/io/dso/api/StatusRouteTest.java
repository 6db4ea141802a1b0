package io.dso.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.cache.CachedSecret;
import io.dso.config.ConfigLoader;
import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.inject.Target;
import io.dso.provider.ProviderCatalog;
import io.dso.provider.SecretPayload;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusRouteTest {
  static final String CANARY = "canary-status-7f3e9a";
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private DsoConfig config() {
    return new ConfigLoader(Map.of(), ProviderCatalog.discover(null)).parse("""
        providers:
          files: { type: env }
          spare: { type: env }
        secrets:
          - { name: db, provider: files, inject: env, rotation: true }
          - { name: api, provider: files, inject: env }
        """, tmp.resolve("dso.yaml"));
  }

  private static Map<String, Object> record(String at, String event, String provider, String secret, String status, Object... extras) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("timestamp", at);
    r.put("event", event);
    r.put("provider", provider);
    r.put("secret_name", secret);
    r.put("status", status);
    for (int i = 0; i < extras.length; i += 2) {
      r.put((String) extras[i], extras[i + 1]);
    }
    return r;
  }

  private JsonNode status(DsoConfig config, StatusTracker tracker, boolean dockerUp, List<Target> containers) {
    SecretSpec db = config.secret("db").orElseThrow();
    CachedSecret held = new CachedSecret("db", "files", new SecretPayload(Map.of("DB_PASSWORD", CANARY)), "ab".repeat(32), 2,
        NOW.minusSeconds(90));
    StatusRoute.Source source = new StatusRoute.Source() {
      @Override public String version() { return "9.9.9"; }
      @Override public Instant startedAt() { return NOW.minusSeconds(3600); }
      @Override public ReadinessView.Readiness readiness() {
        return new ReadinessView.Readiness(dockerUp, true, dockerUp, "unix:///x.sock");
      }
      @Override public DsoConfig config() { return config; }
      @Override public List<CachedSecret> secrets() { return List.of(held); }
      @Override public Optional<String> versionPrefix(SecretSpec spec) {
        return spec.name().equals("db") ? Optional.of("0123456789ab") : Optional.empty();
      }
      @Override public List<Target> containers() { return containers; }
    };
    Object answer = StatusRoutes.of(source, tracker, Clock.fixed(NOW, ZoneOffset.UTC)).get("GET /api/status")
        .handle("alice", JSON.createObjectNode());
    return JSON.valueToTree(answer);
  }

  @Test
  void reportsProvidersLastSuccessAndErrorSecretsContainersAndRotationsWithoutValues() throws Exception {
    DsoConfig config = config();
    StatusTracker tracker = new StatusTracker();
    tracker.accept(record("2026-12-01T09:58:00Z", "secret_fetch", "files", "db", "success"));
    tracker.accept(record("2026-12-01T09:59:00Z", "secret_fetch", "files", "api", "failed", "error", "api: not found"));
    tracker.accept(record("2026-12-01T09:59:30Z", "secret_rotate", "files", "db", "success",
        "container_id", "aaaaaaaaaaaa", "strategy", "rolling", "duration_ms", 1234L));
    tracker.accept(record("2026-12-01T09:59:40Z", "rotation_rollback", "files", "db", "success",
        "container_id", "bbbbbbbbbbbb", "strategy", "rolling", "error", "health gate timed out"));
    SecretSpec db = config.secret("db").orElseThrow();
    Target web = new Target("aaaaaaaaaaaa0000", "web", List.of(db), "rolling");

    JsonNode s = status(config, tracker, true, List.of(web));

    assertThat(s.at("/agent/version").asText()).isEqualTo("9.9.9");
    assertThat(s.at("/agent/uptime_seconds").asLong()).isEqualTo(3600);
    assertThat(s.at("/agent/docker").asText()).isEqualTo("connected");
    JsonNode files = s.at("/providers/0");
    assertThat(files.path("name").asText()).isEqualTo("files");
    assertThat(files.path("healthy").asBoolean()).isFalse(); // api's last fetch failed
    assertThat(files.path("last_success").asText()).isEqualTo("2026-12-01T09:58:00Z");
    assertThat(files.path("last_error").asText()).isEqualTo("api: api: not found");
    assertThat(files.path("secrets").asInt()).isEqualTo(2);
    assertThat(s.at("/providers/1/healthy").isNull()).isTrue(); // spare: never called
    JsonNode dbRow = s.at("/secrets/0");
    assertThat(dbRow.path("name").asText()).isEqualTo("db");
    assertThat(dbRow.path("version").asText()).isEqualTo("0123456789ab");
    assertThat(dbRow.path("age_seconds").asLong()).isEqualTo(90);
    assertThat(dbRow.path("rotation").asBoolean()).isTrue();
    assertThat(dbRow.path("containers").toString()).isEqualTo("[\"web\"]");
    assertThat(s.at("/secrets/1/version").isNull()).isTrue();
    assertThat(s.at("/containers/0/name").asText()).isEqualTo("web");
    assertThat(s.at("/containers/0/secrets").toString()).isEqualTo("[\"db\"]");
    // newest first; a known id is shown by name
    assertThat(s.at("/rotations/0/result").asText()).isEqualTo("rolled back");
    assertThat(s.at("/rotations/0/container").asText()).isEqualTo("bbbbbbbbbbbb");
    assertThat(s.at("/rotations/1/container").asText()).isEqualTo("web");
    assertThat(s.at("/rotations/1/duration_ms").asLong()).isEqualTo(1234);
    assertThat(JSON.writeValueAsString(s)).doesNotContain(CANARY);
  }

  @Test
  void aProviderIsHealthyAgainOnceEverySecretsLastFetchSucceeded() {
    StatusTracker tracker = new StatusTracker();
    tracker.accept(record("2026-12-01T09:00:00Z", "secret_fetch", "p", "a", "failed", "error", "timeout"));
    assertThat(tracker.healthy("p")).isFalse();
    tracker.accept(record("2026-12-01T09:01:00Z", "secret_fetch", "p", "a", "success"));
    assertThat(tracker.healthy("p")).isTrue();
    assertThat(tracker.provider("p").lastError()).isEqualTo("a: timeout"); // the last error stays visible
    assertThat(tracker.healthy("other")).isNull();
    tracker.accept(record("2026-12-01T09:02:00Z", "secret_fetch", "p", "a", "success", "source", "cache"));
    assertThat(tracker.provider("p").lastSuccess()).as("a cache read is no provider contact")
        .isEqualTo(Instant.parse("2026-12-01T09:01:00Z"));
  }

  @Test
  void withDockerDownContainersAreNotListedAndTheAgentSaysSo() {
    JsonNode s = status(config(), new StatusTracker(), false, List.of(new Target("x", "never", List.of(), null)));
    assertThat(s.at("/agent/docker").asText()).isEqualTo("unreachable");
    assertThat(s.path("containers").isEmpty()).isTrue();
  }
}
