package io.dso.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.config.AgentSettings;
import io.dso.config.AuditSettings;
import io.dso.config.LabelTargeting;
import io.dso.config.Defaults;
import io.dso.config.DsoConfig;
import io.dso.config.InjectMode;
import io.dso.config.InjectSpec;
import io.dso.config.ProviderSpec;
import io.dso.config.ReloadStrategy;
import io.dso.config.RetrySettings;
import io.dso.config.RotationSettings;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import io.dso.config.WatchMode;
import io.dso.config.WatchSettings;
import io.dso.config.WebhookSettings;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.MetricsText;
import io.dso.observability.Redactor;
import io.dso.provider.ProviderCatalog;
import io.dso.provider.ProviderRegistry;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final String PROVIDER = "dev";
  private static final String FETCHES_OK = "dso_secret_fetches_total{provider=\"dev\",status=\"success\"}";
  private static final String FETCHES_FAILED = "dso_secret_fetches_total{provider=\"dev\",status=\"failed\"}";
  private static final String ERRORS = "dso_provider_errors_total{provider=\"dev\"}";

  @TempDir Path dir;

  private final MutableClock clock = MutableClock.at("2026-04-01T10:00:00Z");
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ByteArrayOutputStream auditOut = new ByteArrayOutputStream();
  private final Redactor redactor = new Redactor();
  private final List<SecretSync.Change> changes = new CopyOnWriteArrayList<>();
  private Path secretsFile;
  private SecretSpec spec;
  private SecretCache cache;
  private DsoMetrics metrics;
  private ProviderRegistry registry;
  private SecretSync sync;

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
    executor.shutdownNow();
  }

  private SecretSync start(boolean keepValues) {
    return start(keepValues, AuditSettings.DEFAULT);
  }

  private SecretSync start(boolean keepValues, AuditSettings auditSettings) {
    secretsFile = dir.resolve("secrets.json");
    ProviderSpec provider =
        new ProviderSpec(
            PROVIDER, "local", Map.of("path", "secrets.json"),
            new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofSeconds(1), 1);
    InjectSpec env = new InjectSpec(InjectMode.ENV, null, null, null, null);
    spec =
        new SecretSpec(
            "myapp/db", PROVIDER, env, true, "auto", new ReloadStrategy("none", null),
            new Targets(List.of("api"), Map.of()), Map.of(), 10);
    DsoConfig config =
        new DsoConfig(
            dir.resolve("dso.yaml"),
            Map.of(PROVIDER, provider),
            new AgentSettings(
                keepValues, LabelTargeting.OPEN, TTL,
                new WatchSettings(WatchMode.POLLING, Duration.ofSeconds(30)),
                new WebhookSettings(false, null),
                new RotationSettings("rolling", Duration.ofSeconds(30), 2, Duration.ofSeconds(30)),
                Duration.ofSeconds(10), AgentSettings.SHUTDOWN_TIMEOUT, auditSettings),
            new Defaults(env, false, "auto"),
            List.of(spec));
    registry =
        ProviderRegistry.open(config, ProviderCatalog.discover(null), Map.of(), clock, executor, d -> {});
    cache = new SecretCache(config.agent().cache());
    metrics = new DsoMetrics(clock, clock.instant(), "test", cache::activeCount);
    metrics.registerProviders(registry.names());
    AuditLog audit = AuditLog.toStream(auditOut, clock, redactor);
    sync = new SecretSync(config, registry, cache, metrics, audit, redactor, clock);
    sync.onChange(changes::add);
    return sync;
  }

  private void writeSecrets(String password) {
    try {
      boolean existed = Files.exists(secretsFile);
      FileTime before = existed ? Files.getLastModifiedTime(secretsFile) : null;
      Files.writeString(secretsFile, "{\"myapp/db\": {\"DB_USER\": \"app\", \"DB_PASSWORD\": \"" + password + "\"}}");
      if (existed) {
        // Make the change visible to the mtime/size check even on coarse file systems.
        Files.setLastModifiedTime(secretsFile, FileTime.from(before.toInstant().plusSeconds(10)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void breakSecretsFile(String content) throws IOException {
    FileTime before = Files.getLastModifiedTime(secretsFile);
    Files.writeString(secretsFile, content);
    Files.setLastModifiedTime(secretsFile, FileTime.from(before.toInstant().plusSeconds(10)));
  }

  private String auditText() {
    return auditOut.toString(StandardCharsets.UTF_8);
  }

  private List<JsonNode> auditRecords() {
    List<JsonNode> records = new ArrayList<>();
    for (String line : auditText().split("\n")) {
      if (!line.isBlank()) {
        try {
          records.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return records;
  }

  private List<JsonNode> auditRecords(String event) {
    return auditRecords().stream().filter(r -> r.get("event").asText().equals(event)).toList();
  }

  private double metric(String series) {
    return MetricsText.require(metrics, series);
  }

  @Test
  void successfulRefreshAuditsAFetchAndCountsIt() {
    start(true);
    writeSecrets("pw-1");

    SecretSync.Result r = sync.refresh(spec, AuditEvent.SYSTEM);

    assertThat(r.ok()).isTrue();
    assertThat(r.payload().values()).containsEntry("DB_PASSWORD", "pw-1");
    assertThat(r.update().current().version()).isEqualTo(1);
    List<JsonNode> records = auditRecords();
    assertThat(records).hasSize(1);
    JsonNode fetch = records.getFirst();
    assertThat(fetch.get("event").asText()).isEqualTo("secret_fetch");
    assertThat(fetch.get("level").asText()).isEqualTo("audit");
    assertThat(fetch.get("status").asText()).isEqualTo("success");
    assertThat(fetch.get("user").asText()).isEqualTo("system");
    assertThat(fetch.get("provider").asText()).isEqualTo("dev");
    assertThat(fetch.get("secret_name").asText()).isEqualTo("myapp/db");
    assertThat(fetch.get("container_id").isNull()).isTrue();
    assertThat(fetch.get("version").asLong()).isEqualTo(1);
    assertThat(fetch.has("duration_ms")).isTrue();
    assertThat(metric(FETCHES_OK)).isEqualTo(1.0);
    assertThat(metric(FETCHES_FAILED)).isZero();
    assertThat(metric(ERRORS)).isZero();
    assertThat(metric("dso_active_secrets")).isEqualTo(1.0);
    assertThat(metric("dso_secret_last_success_timestamp_seconds{provider=\"dev\",secret=\"myapp/db\"}"))
        .isEqualTo(clock.instant().getEpochSecond());
    assertThat(changes).isEmpty();
  }

  @Test
  void changedFileIsDetectedOnceAndListenersAreCalledOnce() {
    start(true);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM);

    writeSecrets("pw-2-rotated");
    SecretSync.Result r = sync.refresh(spec, "webhook");
    sync.refresh(spec, AuditEvent.SYSTEM); // unchanged since: no second event

    assertThat(r.update().changed()).isTrue();
    List<JsonNode> detected = auditRecords("secret_change_detected");
    assertThat(detected).hasSize(1);
    assertThat(detected.getFirst().get("user").asText()).isEqualTo("webhook");
    assertThat(detected.getFirst().get("previous_version").asLong()).isEqualTo(1);
    assertThat(detected.getFirst().get("version").asLong()).isEqualTo(2);
    assertThat(changes).hasSize(1);
    SecretSync.Change change = changes.getFirst();
    assertThat(change.spec()).isEqualTo(spec);
    assertThat(change.previous().version()).isEqualTo(1);
    assertThat(change.current().version()).isEqualTo(2);
    assertThat(change.user()).isEqualTo("webhook");
    assertThat(metric("dso_secret_changes_total{provider=\"dev\"}")).isEqualTo(1.0);
    // the first fetch and the change are records; the unchanged poll after them is a metric sample only
    assertThat(auditRecords("secret_fetch")).hasSize(2);
    assertThat(metric(FETCHES_OK)).isEqualTo(3.0);
  }

  @Test
  void unchangedContentIsNoChangeEvent() {
    start(true);
    writeSecrets("pw-1");

    sync.refresh(spec, AuditEvent.SYSTEM);
    SecretSync.Result again = sync.refresh(spec, AuditEvent.SYSTEM);

    assertThat(again.update().changed()).isFalse();
    assertThat(again.update().current().version()).isEqualTo(1);
    assertThat(auditRecords("secret_change_detected")).isEmpty();
    assertThat(changes).isEmpty();
    assertThat(metric("dso_secret_changes_total{provider=\"dev\"}")).isZero();
    assertThat(metric(FETCHES_OK)).isEqualTo(2.0);
  }

  @Test
  void failingListenerDoesNotStopOtherListeners() {
    start(true);
    List<SecretSync.Change> second = new ArrayList<>();
    sync.onChange(c -> {
      throw new IllegalStateException("listener bug");
    });
    sync.onChange(second::add);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM);
    writeSecrets("pw-2-rotated");

    SecretSync.Result r = sync.refresh(spec, AuditEvent.SYSTEM);

    assertThat(r.ok()).isTrue();
    assertThat(changes).hasSize(1);
    assertThat(second).hasSize(1);
  }

  @Test
  void providerFailingAfterASuccessServesTheLastGoodValue() throws IOException {
    start(true);
    writeSecrets("pw-1");
    SecretPayload good = sync.lookup(spec).orElseThrow();

    breakSecretsFile("{ this is not json");
    clock.advance(TTL.plusSeconds(1));
    Optional<SecretPayload> served = sync.lookup(spec);

    assertThat(served).contains(good);
    JsonNode failed = auditRecords("secret_fetch").getLast();
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("serving_stale").asBoolean()).isTrue();
    assertThat(failed.get("serving_stale").isBoolean()).isTrue();
    assertThat(failed.get("outcome").asText()).isEqualTo("rejected");
    assertThat(failed.get("error").asText()).contains("not valid JSON");
    assertThat(metric(FETCHES_OK)).isEqualTo(1.0);
    assertThat(metric(FETCHES_FAILED)).isEqualTo(1.0);
    assertThat(metric(ERRORS)).isEqualTo(1.0);
    assertThat(metric("dso_cache_misses_total")).isEqualTo(2.0);
  }

  @Test
  void aSecretDeletedAtTheSourceIsPurgedAndNoLongerServed() throws IOException {
    start(true);
    writeSecrets("pw-1");
    assertThat(sync.lookup(spec)).isPresent();

    breakSecretsFile("{}");
    SecretSync.Result r = sync.refresh(spec, AuditEvent.SYSTEM);

    assertThat(r.error()).isInstanceOf(SecretNotFoundException.class);
    assertThat(cache.get(spec.name())).isEmpty();
    assertThat(auditRecords("secret_purge")).singleElement()
        .satisfies(p -> assertThat(p.get("reason").asText()).isEqualTo("not found in provider"));
    assertThat(auditRecords("secret_fetch").getLast().get("serving_stale").asBoolean()).isFalse();
  }

  @Test
  void failureWithNothingCachedIsEmptyAndNotStale() {
    start(true);
    writeSecrets("pw-1");
    SecretSpec unknown =
        new SecretSpec("nope", PROVIDER, spec.inject(), false, "auto", spec.reloadStrategy(), spec.targets(), Map.of(), 11);

    Optional<SecretPayload> served = sync.lookup(unknown);
    SecretSync.Result r = sync.refresh(unknown, AuditEvent.SYSTEM);

    assertThat(served).isEmpty();
    assertThat(r.ok()).isFalse();
    assertThat(r.error()).isInstanceOf(SecretNotFoundException.class);
    JsonNode failed = auditRecords("secret_fetch").getLast();
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("serving_stale").asBoolean()).isFalse();
    assertThat(failed.get("outcome").asText()).isEqualTo("not_found");
    assertThat(metric(ERRORS)).isEqualTo(2.0);
  }

  @Test
  void lookupWhileFreshIsACacheHitAndDoesNotTouchTheProvider() throws IOException {
    start(true);
    writeSecrets("pw-1");
    SecretPayload first = sync.lookup(spec).orElseThrow();
    Files.delete(secretsFile); // any provider call would now fail

    clock.advance(TTL.minusSeconds(1));
    Optional<SecretPayload> second = sync.lookup(spec);

    assertThat(second).contains(first);
    assertThat(metric("dso_cache_hits_total")).isEqualTo(1.0);
    assertThat(metric("dso_cache_misses_total")).isEqualTo(1.0);
    assertThat(metric(FETCHES_OK)).isEqualTo(1.0);
    assertThat(metric(FETCHES_FAILED)).isZero();
    assertThat(auditRecords("secret_fetch")).hasSize(1);
  }

  @Test
  void lookupAfterTheTtlFetchesAgain() {
    start(true);
    writeSecrets("pw-1");
    sync.lookup(spec);
    assertThat(sync.expired(spec)).isFalse();

    clock.advance(TTL);
    assertThat(sync.expired(spec)).isTrue();
    writeSecrets("pw-2-rotated");
    Optional<SecretPayload> p = sync.lookup(spec);

    assertThat(p.orElseThrow().values()).containsEntry("DB_PASSWORD", "pw-2-rotated");
    assertThat(metric("dso_cache_misses_total")).isEqualTo(2.0);
    assertThat(metric("dso_cache_hits_total")).isZero();
    assertThat(metric(FETCHES_OK)).isEqualTo(2.0);
    assertThat(changes).hasSize(1);
  }

  @Test
  void neverFetchedSecretIsExpired() {
    start(true);
    assertThat(sync.expired(spec)).isTrue();
  }

  @Test
  void withCacheOffLookupReturnsThePayloadButHoldsNoValues() {
    start(false);
    writeSecrets("pw-1");

    Optional<SecretPayload> p = sync.lookup(spec);
    Optional<SecretPayload> again = sync.lookup(spec);

    assertThat(p.orElseThrow().values()).containsEntry("DB_PASSWORD", "pw-1");
    assertThat(again).isEqualTo(p);
    assertThat(cache.activeCount()).isZero();
    assertThat(cache.get("myapp/db").orElseThrow().payload()).isNull();
    assertThat(metric("dso_active_secrets")).isZero();
    // Nothing held means nothing can be served from memory: every lookup goes to the provider.
    assertThat(metric("dso_cache_hits_total")).isZero();
    assertThat(metric(FETCHES_OK)).isEqualTo(2.0);
  }

  @Test
  void withCacheOffChangesAreStillDetected() {
    start(false);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM);
    writeSecrets("pw-2-rotated");

    sync.refresh(spec, AuditEvent.SYSTEM);

    assertThat(changes).hasSize(1);
    assertThat(changes.getFirst().current().payload()).isNull();
  }

  @Test
  void withCacheOffAFailureServesNothing() throws IOException {
    start(false);
    writeSecrets("pw-1");
    sync.lookup(spec);
    breakSecretsFile("{ broken");

    assertThat(sync.lookup(spec)).isEmpty();
    JsonNode failed = auditRecords("secret_fetch").getLast();
    assertThat(failed.get("serving_stale").asBoolean()).isFalse();
  }

  @Test
  void anUnchangedPollIsAMetricSampleNotAnAuditRecord() {
    start(true);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM);

    for (int i = 0; i < 3; i++) {
      sync.refresh(spec, AuditEvent.SYSTEM);
    }

    assertThat(auditRecords()).hasSize(1);
    assertThat(auditRecords("secret_fetch").getFirst().get("version").asLong()).isEqualTo(1);
    assertThat(metric(FETCHES_OK)).isEqualTo(4.0);
  }

  @Test
  void firstFetchChangeFailureAndRecoveryAreEachWrittenOnce() throws IOException {
    start(true);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM); // first
    writeSecrets("pw-2");
    sync.refresh(spec, AuditEvent.SYSTEM); // changed
    breakSecretsFile("{ not json");
    for (int i = 0; i < 3; i++) {
      assertThat(sync.refresh(spec, AuditEvent.SYSTEM).ok()).isFalse(); // one outage
    }
    writeSecrets("pw-2");
    sync.refresh(spec, AuditEvent.SYSTEM); // recovered, same content
    sync.refresh(spec, AuditEvent.SYSTEM); // unchanged again: nothing

    List<JsonNode> fetches = auditRecords("secret_fetch");
    assertThat(fetches).extracting(r -> r.get("status").asText()).containsExactly("success", "success", "failed", "success");
    assertThat(fetches.get(3).get("recovered").asBoolean()).isTrue();
    assertThat(fetches.get(0).has("recovered")).isFalse();
    assertThat(auditRecords("secret_change_detected")).hasSize(1);
    assertThat(metric(FETCHES_FAILED)).isEqualTo(3.0);
  }

  @Test
  void aSecondOutageIsAuditedAgain() throws IOException {
    start(true);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM);
    for (int outage = 0; outage < 2; outage++) {
      breakSecretsFile("{ broken " + outage);
      sync.refresh(spec, AuditEvent.SYSTEM);
      sync.refresh(spec, AuditEvent.SYSTEM);
      writeSecrets("pw-1");
      sync.refresh(spec, AuditEvent.SYSTEM);
    }

    assertThat(auditRecords("secret_fetch")).extracting(r -> r.get("status").asText())
        .containsExactly("success", "failed", "success", "failed", "success");
  }

  @Test
  void anOutageThatOutlastsTheNotificationThresholdIsRecordedOnceMore() throws IOException {
    start(true);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM);
    breakSecretsFile("{ down");
    sync.refresh(spec, AuditEvent.SYSTEM); // first failure
    clock.advance(Duration.ofMinutes(1));
    sync.refresh(spec, AuditEvent.SYSTEM); // a blip so far: nothing
    clock.advance(io.dso.config.NotificationSettings.DEFAULT_OUTAGE_AFTER);
    sync.refresh(spec, AuditEvent.SYSTEM); // lasting: recorded once more
    clock.advance(Duration.ofMinutes(1));
    sync.refresh(spec, AuditEvent.SYSTEM); // nothing
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM); // recovered

    assertThat(auditRecords("secret_fetch")).extracting(r -> r.get("status").asText())
        .containsExactly("success", "failed", "failed", "success");
  }

  @Test
  void everyFetchForAPersonIsAudited() {
    start(true);
    writeSecrets("pw-1");
    sync.refresh(spec, AuditEvent.SYSTEM);

    sync.refresh(spec, "alice");
    sync.refresh(spec, "alice");

    List<JsonNode> fetches = auditRecords("secret_fetch");
    assertThat(fetches).extracting(r -> r.get("user").asText()).containsExactly("system", "alice", "alice");
  }

  @Test
  void withFetchesAllEveryFetchIsAudited() throws IOException {
    start(true, new AuditSettings(AuditSettings.Fetches.ALL));
    writeSecrets("pw-1");
    for (int i = 0; i < 3; i++) {
      sync.refresh(spec, AuditEvent.SYSTEM);
    }
    breakSecretsFile("{ nope");
    sync.refresh(spec, AuditEvent.SYSTEM);
    sync.refresh(spec, AuditEvent.SYSTEM);

    assertThat(auditRecords("secret_fetch")).extracting(r -> r.get("status").asText())
        .containsExactly("success", "success", "success", "failed", "failed");
  }

  @Test
  void canaryValuesNeverReachAuditOrMetrics() throws IOException {
    start(true);
    String canary1 = "canary-" + UUID.randomUUID();
    String canary2 = "canary-" + UUID.randomUUID();
    writeSecrets(canary1);
    sync.lookup(spec);
    writeSecrets(canary2);
    sync.refresh(spec, AuditEvent.SYSTEM);
    sync.lookup(spec);
    // A broken file whose bad token is a value-looking string, then a failed fetch served stale.
    breakSecretsFile("{\"myapp/db\": {\"DB_PASSWORD\": " + canary2.replace("-", "") + "}}");
    clock.advance(TTL.plusSeconds(1));
    assertThat(sync.lookup(spec).orElseThrow().values()).containsEntry("DB_PASSWORD", canary2);

    String audit = auditText();
    String exposition = MetricsText.scrape(metrics);
    // first (lookup), changed (refresh), then the unchanged lookup is no record, the failure is
    assertThat(auditRecords("secret_fetch")).hasSize(3);
    assertThat(auditRecords("secret_change_detected")).hasSize(1);
    for (String canary : List.of(canary1, canary2, canary2.replace("-", ""))) {
      assertThat(audit).doesNotContain(canary);
      assertThat(exposition).doesNotContain(canary);
    }
  }
}
