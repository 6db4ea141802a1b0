package io.dso.trigger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bounds the fetches that the poller and the webhook send to each provider: at most
 * {@link #CONCURRENCY} in flight and {@link #RATE_PER_SECOND} started per second (burst
 * {@link #BURST}), so that thousands of secrets, or a webhook flood, never stampede a provider.
 */
public final class FetchLimiter {
  /** Simultaneous fetches per provider. */
  public static final int CONCURRENCY = 8;
  /** Fetches started per second per provider, sustained. */
  public static final int RATE_PER_SECOND = 50;
  /** Fetches that may start at once after a quiet period. */
  public static final int BURST = 50;

  /** How a caller waits for a token; tests replace it to avoid real sleeps. */
  @FunctionalInterface
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final int concurrency;
  private final int perSecond;
  private final int burst;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  private record Lane(Semaphore permits, TokenBucket bucket) {}

  public FetchLimiter() {
    this(CONCURRENCY, RATE_PER_SECOND, BURST, System::nanoTime, nanos -> Thread.sleep(java.time.Duration.ofNanos(nanos)));
  }

  public FetchLimiter(int concurrency, int perSecond, int burst, LongSupplier nanoTime, Sleeper sleeper) {
    this.concurrency = concurrency;
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** Runs {@code fetch} for {@code provider} once a rate token and a concurrency permit are free. */
  public <T> T run(String provider, Supplier<T> fetch) throws InterruptedException {
    Lane lane = lanes.computeIfAbsent(provider,
        p -> new Lane(new Semaphore(concurrency, true), new TokenBucket(perSecond, burst, nanoTime)));
    // The token is taken before the permit so that a waiting caller does not hold a permit idle.
    while (!lane.bucket().tryAcquire()) {
      sleeper.sleepNanos(Math.max(1_000_000, lane.bucket().nanosUntilAvailable()));
    }
    lane.permits().acquire();
    try {
      return fetch.get();
    } finally {
      lane.permits().release();
    }
  }

  /** Fetches of {@code provider} in flight now (for tests and diagnostics). */
  int inFlight(String provider) {
    Lane lane = lanes.get(provider);
    return lane == null ? 0 : concurrency - lane.permits().availablePermits();
  }
}
