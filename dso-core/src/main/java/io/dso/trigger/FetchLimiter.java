package io.dso.trigger;

import io.dso.config.DsoConfig;
import io.dso.config.ProviderSpec;
import io.dso.provider.ProviderLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the fetches that the poller and the webhook send to each provider: at most its
 * {@code in_flight} calls at once and its {@code per_second} started per second (burst of one
 * second's worth), so that thousands of secrets, or a webhook flood, never stampede a provider. The
 * limits are the provider type's defaults ({@link io.dso.provider.SecretProviderFactory#defaultLimits})
 * overridden by {@code rate_limit:} in dso.yaml; a local file is not rate-limited at all.
 */
public final class FetchLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(FetchLimiter.class);
  /** Simultaneous fetches per provider of unknown limits. */
  public static final int CONCURRENCY = ProviderLimits.REMOTE.inFlight();
  /** Fetches started per second per provider of unknown limits, sustained. */
  public static final int RATE_PER_SECOND = ProviderLimits.REMOTE.perSecond();
  /** Fetches that may start at once after a quiet period, for a provider of unknown limits. */
  public static final int BURST = 50;

  /** How a caller waits for a token; tests replace it to avoid real sleeps. */
  @FunctionalInterface
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final Map<String, ProviderLimits> limits;
  private final ProviderLimits fallback;
  private final int fallbackBurst;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  /** The bucket is null for a provider without a rate limit. */
  private record Lane(ProviderLimits limits, Semaphore permits, TokenBucket bucket) {}

  /** Every provider limited like a remote API of unknown limits. */
  public FetchLimiter() {
    this(Map.of());
  }

  /** Each named provider with its own limits; others like a remote API of unknown limits. */
  public FetchLimiter(Map<String, ProviderLimits> limits) {
    this(Map.copyOf(limits), ProviderLimits.REMOTE, BURST, System::nanoTime,
        nanos -> Thread.sleep(java.time.Duration.ofNanos(nanos)));
  }

  /** Every provider with the same limits and an injected clock (for tests). */
  public FetchLimiter(int concurrency, int perSecond, int burst, LongSupplier nanoTime, Sleeper sleeper) {
    this(Map.of(), new ProviderLimits(perSecond, concurrency), burst, nanoTime, sleeper);
  }

  private FetchLimiter(Map<String, ProviderLimits> limits, ProviderLimits fallback, int fallbackBurst,
      LongSupplier nanoTime, Sleeper sleeper) {
    this.limits = limits;
    this.fallback = fallback;
    this.fallbackBurst = fallbackBurst;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /**
   * The limits of every configured provider: its type's default (from {@code defaults}, by type)
   * with the fields that its {@code rate_limit:} block sets replaced.
   */
  public static FetchLimiter forConfig(DsoConfig config, Function<String, ProviderLimits> defaults) {
    Map<String, ProviderLimits> out = new HashMap<>();
    for (ProviderSpec spec : config.providers().values()) {
      ProviderLimits base;
      try {
        base = defaults.apply(spec.type());
      } catch (RuntimeException | LinkageError e) {
        base = null; // a plugin bug: it gets the cautious default
      }
      ProviderLimits l = (base == null ? ProviderLimits.REMOTE : base)
          .with(spec.rateLimit().perSecond(), spec.rateLimit().inFlight());
      LOG.debug("provider '{}' limits: {}", spec.name(), l);
      out.put(spec.name(), l);
    }
    return new FetchLimiter(out);
  }

  /** The limits that apply to {@code provider}. */
  public ProviderLimits limits(String provider) {
    return lane(provider).limits();
  }

  /** Runs {@code fetch} for {@code provider} once a rate token and an in-flight permit are free. */
  public <T> T run(String provider, Supplier<T> fetch) throws InterruptedException {
    return run(provider, 1, fetch);
  }

  /**
   * Runs one call that makes {@code cost} provider requests (a batch poll): it takes {@code cost}
   * rate tokens and one in-flight permit.
   */
  public <T> T run(String provider, int cost, Supplier<T> fetch) throws InterruptedException {
    Lane lane = lane(provider);
    // The tokens are taken before the permit so that a waiting caller does not hold a permit idle.
    if (lane.bucket() != null) {
      for (int i = 0; i < cost; i++) {
        while (!lane.bucket().tryAcquire()) {
          sleeper.sleepNanos(Math.max(1_000_000, lane.bucket().nanosUntilAvailable()));
        }
      }
    }
    lane.permits().acquire();
    try {
      return fetch.get();
    } finally {
      lane.permits().release();
    }
  }

  private Lane lane(String provider) {
    return lanes.computeIfAbsent(provider, p -> {
      ProviderLimits l = limits.getOrDefault(p, fallback);
      int burst = l == fallback ? fallbackBurst : Math.min(l.perSecond(), 1_000);
      TokenBucket bucket = l.unlimitedRate() ? null : new TokenBucket(l.perSecond(), burst, nanoTime);
      return new Lane(l, new Semaphore(l.inFlight(), true), bucket);
    });
  }

  /** Fetches of {@code provider} in flight now (for tests and diagnostics). */
  int inFlight(String provider) {
    Lane lane = lanes.get(provider);
    return lane == null ? 0 : lane.limits().inFlight() - lane.permits().availablePermits();
  }
}
