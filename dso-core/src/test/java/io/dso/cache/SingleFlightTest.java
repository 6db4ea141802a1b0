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
import io.dso.observability.Redactor;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One refresh per secret at a time, and versions that only move forward, with a slow provider double. */
class SingleFlightTest {
  private static final Duration TTL = Duration.ofMinutes(5);

  private final MutableClock clock = MutableClock.at("2026-04-01T10:00:00Z");
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ScriptedProvider provider = new ScriptedProvider("v1");
  private final List<String> changes = new CopyOnWriteArrayList<>();
  private final SecretSpec spec = new SecretSpec("app/token", "p", new InjectSpec(InjectMode.ENV, null, null, null, null),
      true, null, null, Targets.NONE, Map.of(), 1);
  private final SecretSync sync;

  SingleFlightTest() {
    ProviderSpec p = new ProviderSpec("p", "local", Map.of(), RetrySettings.DEFAULT, Duration.ofSeconds(10), 1);
    DsoConfig config = new DsoConfig(java.nio.file.Path.of("dso.yaml"), Map.of("p", p),
        new AgentSettings(true, TTL, io.dso.config.WatchSettings.DEFAULT, io.dso.config.WebhookSettings.DEFAULT,
            io.dso.config.RotationSettings.DEFAULT, Duration.ofSeconds(10)),
        Defaults.DEFAULT, List.of(spec));
    SecretCache cache = new SecretCache(true);
    DsoMetrics metrics = new DsoMetrics(clock, clock.instant(), "test", cache::activeCount);
    metrics.registerProviders(List.of("p"));
    AuditLog audit = AuditLog.toStream(new ByteArrayOutputStream(), clock, new Redactor());
    sync = new SecretSync(config, name -> provider, cache, metrics, audit, new Redactor(), clock);
    sync.onChange(c -> changes.add(c.previous().version() + "->" + c.current().version() + " "
        + sync.cached("app/token").map(v -> v.values().get("TOKEN")).orElse("?")));
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  void aSlowFetchOfAnOldValueNeverOverwritesANewerOneNorRotatesBack() throws Exception {
    sync.refresh(spec, AuditEvent.SYSTEM); // v1 cached
    CountDownLatch release = new CountDownLatch(1);
    provider.holdNext(release);
    // the poller's fetch reads v1, then its answer is slow
    Future<SecretSync.Result> slowPoll = executor.submit(() -> sync.refresh(spec, AuditEvent.SYSTEM));
    provider.holding.await(10, TimeUnit.SECONDS);
    // meanwhile the secret changes and the webhook asks for it
    provider.set("v2");
    Future<SecretSync.Result> webhook = executor.submit(() -> sync.refresh(spec, "webhook"));
    Thread.sleep(200); // room for the webhook's fetch to overtake the slow one, were it allowed to
    release.countDown();

    slowPoll.get(10, TimeUnit.SECONDS);
    SecretSync.Result newest = webhook.get(10, TimeUnit.SECONDS);

    assertThat(newest.payload().values()).containsEntry("TOKEN", "v2");
    assertThat(sync.cached("app/token").orElseThrow().values()).containsEntry("TOKEN", "v2");
    assertThat(changes).containsExactly("1->2 v2");
    assertThat(provider.maxInside.get()).as("fetches of one secret at once").isEqualTo(1);
  }

  @Test
  void refreshesFromPollerWebhookAndCacheMissesNeverOverlapForOneSecret() throws Exception {
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int n = i;
      all.add(executor.submit(() -> {
        if (n % 3 == 0) {
          provider.set("v" + n);
        }
        return n % 2 == 0 ? sync.refresh(spec, n % 4 == 0 ? "webhook" : AuditEvent.SYSTEM) : sync.lookup(spec);
      }));
    }
    for (Future<?> f : all) {
      f.get(30, TimeUnit.SECONDS);
    }

    assertThat(provider.maxInside.get()).isEqualTo(1);
  }

  @Test
  void concurrentCacheMissesShareOneFetchUntilTheEntryExpires() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    provider.holdNext(release);
    List<Future<?>> misses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      misses.add(executor.submit(() -> sync.lookup(spec)));
    }
    provider.holding.await(10, TimeUnit.SECONDS);
    release.countDown();
    for (Future<?> f : misses) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(provider.fetches).hasValue(1);

    clock.advance(TTL.plusSeconds(1));
    sync.lookup(spec);

    assertThat(provider.fetches).hasValue(2);
  }
}
