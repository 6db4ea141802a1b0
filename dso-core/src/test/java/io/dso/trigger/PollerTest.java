package io.dso.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.cache.SecretCache;
import io.dso.cache.SecretSync;
import io.dso.config.AgentSettings;
import io.dso.config.Defaults;
import io.dso.config.DsoConfig;
import io.dso.config.InjectMode;
import io.dso.config.InjectSpec;
import io.dso.config.ProviderSpec;
import io.dso.config.RetrySettings;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import io.dso.config.WatchMode;
import io.dso.config.WatchSettings;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import io.dso.observability.Redactor;
import io.dso.provider.FetchResult;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderLimits;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import io.dso.provider.local.LocalProviderFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one scheduler for all secrets, against the real local provider and a real file. */
class PollerTest {
  private static final Duration POLL = Duration.ofMillis(200);

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<SecretSync.Change> changes = new CopyOnWriteArrayList<>();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();

  private static SecretSpec spec(String name) {
    return new SecretSpec(name, "dev", new InjectSpec(InjectMode.ENV, null, null, null, null),
        true, null, null, Targets.NONE, Map.of(), 1);
  }

  private Path writeSecrets(int n, String suffix) throws IOException {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":{\"K\":\"v").append(i).append(suffix).append("\"}");
    }
    Path tmp = dir.resolve("secrets.json.tmp");
    Files.writeString(tmp, json.append("}").toString(), StandardCharsets.UTF_8);
    // Replaced by rename, as editors and deploy tools do: a new inode, so the change token moves.
    return Files.move(tmp, dir.resolve("secrets.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private DsoConfig config(List<SecretSpec> secrets) {
    return config(secrets, POLL);
  }

  private DsoConfig config(List<SecretSpec> secrets, Duration poll) {
    ProviderSpec p = new ProviderSpec("dev", "local", Map.of("path", "secrets.json"), RetrySettings.DEFAULT, Duration.ofSeconds(10), 1);
    return new DsoConfig(dir.resolve("dso.yaml"), Map.of("dev", p),
        new AgentSettings(true, Duration.ofMinutes(5), new WatchSettings(WatchMode.POLLING, poll),
            io.dso.config.WebhookSettings.DEFAULT, io.dso.config.RotationSettings.DEFAULT, Duration.ofSeconds(10)),
        Defaults.DEFAULT, secrets);
  }

  /** The real local provider, with every call recorded and the calls in flight counted. */
  private SecretProvider recording() {
    SecretProvider real = new LocalProviderFactory().create(
        new ProviderContext("dev", Map.of("path", "secrets.json"), dir, Map.of(), clock, true));
    return new SecretProvider() {
      @Override
      public SecretPayload fetch(SecretRef ref) {
        return counted("fetch " + ref.name(), () -> real.fetch(ref));
      }

      @Override
      public Optional<String> changeToken(SecretRef ref) {
        return counted("token " + ref.name(), () -> real.changeToken(ref));
      }

      @Override
      public List<FetchResult> fetchAll(List<SecretRef> refs) {
        return counted("batch " + refs.size(), () -> real.fetchAll(refs));
      }
    };
  }

  private <T> T counted(String call, java.util.function.Supplier<T> body) {
    calls.add(call);
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      return body.get();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private SecretSync sync(DsoConfig config) {
    SecretCache cache = new SecretCache(true);
    DsoMetrics metrics = new DsoMetrics(clock, clock.instant(), "test", cache::activeCount);
    SecretProvider provider = recording();
    SecretSync sync = new SecretSync(config, name -> provider, cache, metrics,
        AuditLog.toStream(new ByteArrayOutputStream(), clock, new Redactor()), new Redactor(), clock);
    sync.onChange(changes::add);
    return sync;
  }

  private long count(String prefix) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
  }

  @Test
  void thousandsOfSecretsAreHeldThroughBatchReadsWithoutAThreadPerSecret() throws Exception {
    writeSecrets(2_000, "");
    List<SecretSpec> specs = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      specs.add(spec("s" + i));
    }
    DsoConfig config = config(specs);
    SecretSync sync = sync(config);
    FetchLimiter limiter = new FetchLimiter(Map.of("dev", ProviderLimits.LOCAL));
    try (Poller poller = new Poller(config, sync, limiter, new DsoMetrics(clock, clock.instant(), "t", () -> 0))) {
      poller.start();
      assertThat(poller.awaitInitialFetch(Duration.ofSeconds(20))).isTrue();

      // 2,000 secrets in batches of 512: four batch reads, no single fetch.
      assertThat(count("batch ")).isEqualTo(4);
      assertThat(count("fetch ")).isZero();
      assertThat(sync.cached("s1999")).isPresent();
      AtomicInteger peakThreads = new AtomicInteger();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        peakThreads.accumulateAndGet(poller.liveThreads(), Math::max);
        return count("token ") >= 4_000;
      });
      // The scheduler plus at most in_flight workers, while 2,000 secrets are polled twice.
      assertThat(peakThreads.get()).isBetween(1, ProviderLimits.LOCAL.inFlight() + 1);
      assertThat(peakInFlight.get()).isLessThanOrEqualTo(ProviderLimits.LOCAL.inFlight());
      assertThat(count("batch ")).as("unchanged polls read nothing").isEqualTo(4);
    }
  }

  @Test
  void everyFirstFetchComesBeforeAnyPoll() throws Exception {
    writeSecrets(1_200, "");
    List<SecretSpec> specs = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      specs.add(spec("s" + i));
    }
    DsoConfig config = config(specs);
    // One call at a time: the three first batches queue behind each other, polls of the first batch could jump in.
    FetchLimiter limiter = new FetchLimiter(Map.of("dev", new ProviderLimits(ProviderLimits.UNLIMITED_RATE, 1)));
    try (Poller poller = new Poller(config, sync(config), limiter, new DsoMetrics(clock, clock.instant(), "t", () -> 0))) {
      poller.start();
      assertThat(poller.awaitInitialFetch(Duration.ofSeconds(20))).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> count("token ") > 0);
    }
    List<String> seen;
    synchronized (calls) {
      seen = List.copyOf(calls);
    }
    int firstToken = seen.indexOf(seen.stream().filter(c -> c.startsWith("token ")).findFirst().orElseThrow());
    assertThat(seen.subList(0, firstToken)).containsExactly("batch 512", "batch 512", "batch 176");
    assertThat(peakInFlight.get()).isEqualTo(1);
  }

  @Test
  void anUnchangedFileCostsOnlyChangeChecksAndOneEditIsReadOnceAndDetected() throws Exception {
    writeSecrets(50, "");
    List<SecretSpec> specs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      specs.add(spec("s" + i));
    }
    DsoConfig config = config(specs);
    SecretSync sync = sync(config);
    try (Poller poller = new Poller(config, sync, new FetchLimiter(Map.of("dev", ProviderLimits.LOCAL)),
        new DsoMetrics(clock, clock.instant(), "t", () -> 0))) {
      poller.start();
      assertThat(poller.awaitInitialFetch(Duration.ofSeconds(20))).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> count("token ") >= 100);
      assertThat(count("batch ")).as("only the first fetch read the file").isEqualTo(1);
      assertThat(changes).isEmpty();

      // s7 changes; every other secret of the file keeps its content.
      String text = Files.readString(dir.resolve("secrets.json")).replace("\"v7\"", "\"v7-new\"");
      Path tmp = dir.resolve("next.tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, dir.resolve("secrets.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

      await().atMost(Duration.ofSeconds(20)).until(() -> !changes.isEmpty());
      assertThat(changes).hasSize(1);
      assertThat(changes.getFirst().spec().name()).isEqualTo("s7");
      assertThat(sync.cached("s7").orElseThrow().values()).containsEntry("K", "v7-new");
      assertThat(count("fetch ")).as("no single reads").isZero();
    }
  }

  @Test
  void anEditOfTheFileIsSeenByEverySecretAtTheFirstPollOfAnyOfThem() throws Exception {
    int n = 600;
    writeSecrets(n, "");
    List<SecretSpec> specs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      specs.add(spec("s" + i));
    }
    // At 30 s the first polls spread over 3..30 s: on its own, one secret would wait 16 s on average.
    DsoConfig config = config(specs, Duration.ofSeconds(30));
    SecretSync sync = sync(config);
    try (Poller poller = new Poller(config, sync, new FetchLimiter(Map.of("dev", ProviderLimits.LOCAL)),
        new DsoMetrics(clock, clock.instant(), "t", () -> 0))) {
      poller.start();
      assertThat(poller.awaitInitialFetch(Duration.ofSeconds(20))).isTrue();
      String text = Files.readString(dir.resolve("secrets.json")).replace("\"v599\"", "\"v599-new\"");
      Path tmp = dir.resolve("next.tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, dir.resolve("secrets.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

      await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
      assertThat(changes).singleElement().extracting(c -> c.spec().name()).isEqualTo("s599");
      // Woken together: nearly every secret had its change check by now, not a tenth of them.
      await().atMost(Duration.ofSeconds(3)).until(() -> count("token ") >= n - 10);
      assertThat(count("fetch ")).isZero();
    }
  }

  @Test
  void aSecretsProviderOfUnknownLimitsKeepsTheCautiousDefaultAndRateLimitOverridesIt() {
    ProviderSpec remote = new ProviderSpec("r", "remote", Map.of(), RetrySettings.DEFAULT, Duration.ofSeconds(1), 1);
    ProviderSpec tuned = new ProviderSpec("t", "remote", Map.of(), RetrySettings.DEFAULT, Duration.ofSeconds(1), 2,
        new io.dso.config.RateLimitSettings(200, null));
    ProviderSpec local = new ProviderSpec("l", "local", Map.of(), RetrySettings.DEFAULT, Duration.ofSeconds(1), 3);
    DsoConfig config = new DsoConfig(dir.resolve("dso.yaml"), Map.of("r", remote, "t", tuned, "l", local),
        new AgentSettings(true, Duration.ofMinutes(5), WatchSettings.DEFAULT, io.dso.config.WebhookSettings.DEFAULT,
            io.dso.config.RotationSettings.DEFAULT, Duration.ofSeconds(10)),
        Defaults.DEFAULT, List.of());

    FetchLimiter limiter = FetchLimiter.forConfig(config,
        type -> type.equals("local") ? new LocalProviderFactory().defaultLimits() : new ProviderLimits(10, 2));

    assertThat(limiter.limits("r")).isEqualTo(new ProviderLimits(10, 2));
    assertThat(limiter.limits("t")).isEqualTo(new ProviderLimits(200, 2));
    assertThat(limiter.limits("l").unlimitedRate()).isTrue();
    assertThat(limiter.limits("not-configured")).isEqualTo(ProviderLimits.REMOTE);
  }
}
