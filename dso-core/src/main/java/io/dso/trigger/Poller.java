package io.dso.trigger;

import io.dso.cache.SecretSync;
import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.config.WatchMode;
import io.dso.observability.AuditEvent;
import io.dso.observability.DsoMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every configured secret fresh: one virtual thread per secret fetches it at start, then
 * polls secrets with {@code rotation: true} on an {@link AdaptiveInterval} from
 * {@code polling_interval} (in {@code polling} and {@code hybrid} mode) and refreshes the others,
 * and every secret in {@code event} mode, at {@code refresh_interval} (the cache TTL). Every fetch
 * goes through the {@link FetchLimiter}.
 */
public final class Poller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

  private final DsoConfig config;
  private final SecretSync sync;
  private final FetchLimiter limiter;
  private final DsoMetrics metrics;
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch initialDone;
  private volatile boolean stopped;

  public Poller(DsoConfig config, SecretSync sync, FetchLimiter limiter, DsoMetrics metrics) {
    this.config = config;
    this.sync = sync;
    this.limiter = limiter;
    this.metrics = metrics;
    this.initialDone = new CountDownLatch(config.secrets().size());
  }

  /** Whether {@code spec} is polled for changes (adaptively) rather than only refreshed at the TTL. */
  public static boolean polled(DsoConfig config, SecretSpec spec) {
    return spec.rotation() && config.agent().watch().mode() != WatchMode.EVENT;
  }

  /** The interval {@code spec} starts with: the polling interval if polled, else the cache TTL. */
  public static Duration interval(DsoConfig config, SecretSpec spec) {
    return polled(config, spec) ? config.agent().watch().pollingInterval() : config.agent().refreshInterval();
  }

  public void start() {
    for (SecretSpec spec : config.secrets()) {
      AdaptiveInterval interval = polled(config, spec)
          ? new AdaptiveInterval(interval(config, spec), ThreadLocalRandom.current())
          : AdaptiveInterval.fixed(interval(config, spec), ThreadLocalRandom.current());
      threads.add(Thread.ofVirtual().name("poll-" + spec.name()).start(() -> loop(spec, interval)));
    }
  }

  /** Waits until every secret has had its first fetch (successful or not). */
  public boolean awaitInitialFetch(Duration timeout) throws InterruptedException {
    return initialDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void loop(SecretSpec spec, AdaptiveInterval interval) {
    boolean first = true;
    while (!stopped) {
      try {
        pollOnce(spec, interval, first);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("refresh of secret '{}' failed unexpectedly: {}", spec.name(), e.getClass().getSimpleName());
      } finally {
        if (first) {
          initialDone.countDown();
          first = false;
        }
      }
      metrics.pollInterval(spec.name(), interval.current());
      try {
        Thread.sleep(interval.nextWait());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * One refresh, in its own frame: the result holds the payload, and a local of the loop would keep
   * it reachable through the whole sleep (with {@code agent.cache: false} no value may outlive its use).
   */
  private void pollOnce(SecretSpec spec, AdaptiveInterval interval, boolean first) throws InterruptedException {
    SecretSync.Result r = limiter.run(spec.provider(), () -> sync.refresh(spec, AuditEvent.SYSTEM));
    if (!first && r.ok()) {
      // A failed fetch says nothing about activity, so it leaves the interval as it is.
      if (r.update().changed()) {
        interval.changed();
      } else {
        interval.unchanged();
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    for (Thread t : threads) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
