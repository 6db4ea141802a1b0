package io.dso.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.config.AgentSettings;
import io.dso.config.Defaults;
import io.dso.config.DsoConfig;
import io.dso.config.InjectMode;
import io.dso.config.InjectSpec;
import io.dso.config.ProviderSpec;
import io.dso.config.RetrySettings;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.MetricsText;
import io.dso.observability.Redactor;
import io.dso.provider.Lease;
import io.dso.trigger.FetchLimiter;
import io.dso.trigger.Poller;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Change tokens, batch first fetches, lease refreshes and retirement, against a scripted SPI provider. */
class ProviderSpiSyncTest {
  private static final Duration TTL = Duration.ofMinutes(5);

  private final MutableClock clock = MutableClock.at("2026-04-01T10:00:00Z");
  private final ByteArrayOutputStream auditOut = new ByteArrayOutputStream();
  private DsoMetrics metrics;

  private static SecretSpec spec(String name) {
    return new SecretSpec(name, "p", new InjectSpec(InjectMode.ENV, null, null, null, null),
        true, null, null, Targets.NONE, Map.of(), 1);
  }

  private DsoConfig config(List<SecretSpec> secrets) {
    ProviderSpec p = new ProviderSpec("p", "scripted", Map.of(), RetrySettings.DEFAULT, Duration.ofSeconds(10), 1);
    return new DsoConfig(Path.of("dso.yaml"), Map.of("p", p),
        new AgentSettings(true, TTL, io.dso.config.WatchSettings.DEFAULT, io.dso.config.WebhookSettings.DEFAULT,
            io.dso.config.RotationSettings.DEFAULT, Duration.ofSeconds(10)),
        Defaults.DEFAULT, secrets);
  }

  private SecretSync sync(DsoConfig config, ScriptedSpiProvider provider) {
    SecretCache cache = new SecretCache(true);
    metrics = new DsoMetrics(clock, clock.instant(), "test", cache::activeCount);
    metrics.registerProviders(List.of("p"));
    AuditLog audit = AuditLog.toStream(auditOut, clock, new Redactor());
    return new SecretSync(config, name -> provider, cache, metrics, audit, new Redactor(), clock);
  }

  private double metric(String series) {
    return MetricsText.require(metrics, series);
  }

  private long auditLines() {
    return auditOut.toString(StandardCharsets.UTF_8).lines().count();
  }

  @Test
  void aPollOfAnUnchangedSecretAsksItsChangeTokenAndReadsNothing() {
    ScriptedSpiProvider provider = new ScriptedSpiProvider(clock, null);
    SecretSpec s = spec("app/key");
    SecretSync sync = sync(config(List.of(s)), provider);
    sync.poll(s, AuditEvent.SYSTEM);
    assertThat(provider.fetches).hasValue(1);
    long audited = auditLines();

    SecretSync.Result r = sync.poll(s, AuditEvent.SYSTEM);

    assertThat(r.ok()).isTrue();
    assertThat(r.update().changed()).isFalse();
    assertThat(provider.fetches).as("full reads").hasValue(1);
    assertThat(provider.tokenChecks).hasValue(1);
    assertThat(auditLines()).as("an unchanged change check is not audited").isEqualTo(audited);
    assertThat(metric("dso_secret_change_checks_total{provider=\"p\",result=\"unchanged\"}")).isEqualTo(1.0);
    assertThat(metric("dso_secret_fetches_total{provider=\"p\",status=\"success\"}")).isEqualTo(2.0);

    provider.bump("app/key");
    SecretSync.Result changed = sync.poll(s, AuditEvent.SYSTEM);

    assertThat(changed.update().changed()).isTrue();
    assertThat(provider.fetches).hasValue(2);
    assertThat(changed.payload().values()).containsEntry("value", "app/key-v2");
    assertThat(metric("dso_secret_change_checks_total{provider=\"p\",result=\"changed\"}")).isEqualTo(1.0);
  }

  @Test
  void theFirstFetchOfSeveralSecretsOfOneProviderIsOneBatchRead() throws Exception {
    ScriptedSpiProvider provider = new ScriptedSpiProvider(clock, null);
    List<SecretSpec> specs = List.of(spec("a"), spec("b"), spec("c"), spec("d"));
    DsoConfig config = config(specs);
    SecretSync sync = sync(config, provider);
    try (Poller poller = new Poller(config, sync, new FetchLimiter(), metrics)) {
      poller.start();
      assertThat(poller.awaitInitialFetch(Duration.ofSeconds(20))).isTrue();
    }

    assertThat(provider.batches).hasValue(1);
    assertThat(provider.fetches).hasValue(0);
    for (SecretSpec s : specs) {
      assertThat(sync.cached(s.name())).as(s.name()).isPresent();
    }
    assertThat(metric("dso_secret_fetches_total{provider=\"p\",status=\"success\"}")).isEqualTo(4.0);
  }

  @Test
  void aLeasedCredentialIsReplacedAtTwoThirdsOfItsLeaseAndNotBefore() {
    ScriptedSpiProvider provider = new ScriptedSpiProvider(clock, Duration.ofSeconds(60));
    SecretSpec s = spec("db");
    SecretSync sync = sync(config(List.of(s)), provider);
    sync.poll(s, AuditEvent.SYSTEM);
    assertThat(sync.untilLeaseRefresh("db")).contains(Duration.ofSeconds(40));
    assertThat(MetricsText.value(metrics, "dso_secret_lease_expiry_timestamp_seconds{secret=\"db\"}"))
        .hasValue(clock.instant().plusSeconds(60).getEpochSecond());

    clock.advance(Duration.ofMillis(39_900));
    sync.poll(s, AuditEvent.SYSTEM);
    assertThat(provider.leasesIssued).as("no credential before the refresh point").hasValue(1);
    assertThat(provider.tokenChecks).hasValue(1);

    clock.advance(Duration.ofMillis(100));
    SecretSync.Result r = sync.poll(s, AuditEvent.SYSTEM);

    // The plugin's token still names the held lease: the agent's own lease clock decides.
    assertThat(provider.leasesIssued).hasValue(2);
    assertThat(r.update().changed()).isTrue();
    assertThat(sync.untilLeaseRefresh("db")).contains(Duration.ofSeconds(40));
  }

  @Test
  void aShortLeaseIsReplacedEarlyEnoughForARolloutButNeverBeforeItsHalf() {
    ScriptedSpiProvider provider = new ScriptedSpiProvider(clock, Duration.ofSeconds(6));
    SecretSpec s = spec("db");
    SecretSync sync = sync(config(List.of(s)), provider);
    sync.poll(s, AuditEvent.SYSTEM);
    // two thirds would leave 2 s; the agent keeps 1.5 x 1.7 s (its assumed rollout) before expiry
    assertThat(sync.untilLeaseRefresh("db")).contains(Duration.ofMillis(3_450));

    clock.advance(Duration.ofMillis(3_450));
    sync.poll(s, AuditEvent.SYSTEM);
    sync.rolledOut("db", true, Duration.ofSeconds(3)); // a slow rollout: 1.5 x 3 s would be before half

    assertThat(provider.leasesIssued).hasValue(2);
    assertThat(sync.untilLeaseRefresh("db")).contains(Duration.ofSeconds(3));
  }

  @Test
  void thePollerWakesUpAtTheLeaseRefreshPointWhateverItsInterval() {
    assertThat(Poller.nextWait(Duration.ofSeconds(30), Optional.of(Duration.ofSeconds(4))))
        .isEqualTo(Duration.ofSeconds(4));
    assertThat(Poller.nextWait(Duration.ofMillis(500), Optional.of(Duration.ofSeconds(4))))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(Poller.nextWait(Duration.ofSeconds(30), Optional.of(Duration.ofMillis(300))))
        .as("a refresh point 300 ms away is met exactly").isEqualTo(Duration.ofMillis(300));
    assertThat(Poller.nextWait(Duration.ofSeconds(30), Optional.of(Duration.ZERO)))
        .as("a due lease whose refresh failed is retried, not hammered").isEqualTo(Duration.ofSeconds(1));
    assertThat(Poller.nextWait(Duration.ofSeconds(30), Optional.empty())).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aSupersededLeaseIsRetiredOnceAndOnlyAfterEveryContainerWasRotated() {
    ScriptedSpiProvider provider = new ScriptedSpiProvider(clock, Duration.ofSeconds(6));
    SecretSpec s = spec("db");
    SecretSync sync = sync(config(List.of(s)), provider);
    sync.poll(s, AuditEvent.SYSTEM);
    clock.advance(Duration.ofSeconds(4));
    sync.poll(s, AuditEvent.SYSTEM); // lease-2 supersedes lease-1 (due at 3.45 s)

    sync.rolledOut("db", false, Duration.ofSeconds(2));
    assertThat(provider.retired).as("a failed rotation keeps the old lease").isEmpty();

    sync.rolledOut("db", true, Duration.ofSeconds(2));
    assertThat(provider.retired).hasSize(1);
    assertThat(provider.retired.getFirst().lease()).map(Lease::id).contains("lease-1");
    assertThat(provider.retired.getFirst().values()).containsEntry("username", "user-1");

    sync.rolledOut("db", true, Duration.ofSeconds(2));
    assertThat(provider.retired).as("retired exactly once; the held lease never").hasSize(1);
  }
}
