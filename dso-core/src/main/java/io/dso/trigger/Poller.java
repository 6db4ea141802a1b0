package io.dso.trigger;

import io.dso.cache.SecretSync;
import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.config.WatchMode;
import io.dso.observability.AuditEvent;
import io.dso.observability.DsoMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * goes through the {@link FetchLimiter}. The first fetch of the secrets of one provider is one batch
 * read; polls use the provider's cheap change check where it has one; a secret holding a leased
 * credential is polled at the lease's refresh point at the latest, whatever its interval or
 * {@code rotation} setting (a dynamic credential must be replaced before it expires).
 */
public final class Poller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

  private final DsoConfig config;
  private final SecretSync sync;
  private final FetchLimiter limiter;
  private final DsoMetrics metrics;
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CountDownLatch initialDone;
  private volatile boolean stopped;
  /** The shortest wait between two polls of a leased secret whose refresh point has passed. */
  public static final Duration LEASE_RETRY = Duration.ofSeconds(1);

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
    Map<String, List<SecretSpec>> byProvider = new LinkedHashMap<>();
    for (SecretSpec spec : config.secrets()) {
      byProvider.computeIfAbsent(spec.provider(), p -> new ArrayList<>()).add(spec);
    }
    byProvider.forEach((provider, specs) -> {
      if (specs.size() == 1) {
        startLoop(specs.getFirst(), true);
      } else {
        threads.add(Thread.ofVirtual().name("first-fetch-" + provider).start(() -> firstBatch(provider, specs)));
      }
    });
  }

  /** The first fetch of every secret of one provider as one batch read, then one poll loop each. */
  private void firstBatch(String provider, List<SecretSpec> specs) {
    try {
      limiter.run(provider, () -> sync.refreshAll(provider, specs, AuditEvent.SYSTEM));
    } catch (InterruptedException e) {
      return;
    } catch (RuntimeException e) {
      LOG.error("first fetch of the secrets of provider '{}' failed unexpectedly: {}", provider, e.getClass().getSimpleName());
    } finally {
      specs.forEach(s -> initialDone.countDown());
    }
    for (SecretSpec spec : specs) {
      if (!stopped) {
        startLoop(spec, false);
      }
    }
  }

  private void startLoop(SecretSpec spec, boolean fetchFirst) {
    AdaptiveInterval interval = polled(config, spec)
        ? new AdaptiveInterval(interval(config, spec), ThreadLocalRandom.current())
        : AdaptiveInterval.fixed(interval(config, spec), ThreadLocalRandom.current());
    Thread t = Thread.ofVirtual().name("poll-" + spec.name()).start(() -> {
      if (fetchFirst || pause(spec, interval)) {
        loop(spec, interval, fetchFirst);
      }
    });
    threads.add(t);
    if (stopped) {
      t.interrupt(); // started by a batch that finished while the poller was closing
    }
  }

  /** Waits until every secret has had its first fetch (successful or not). */
  public boolean awaitInitialFetch(Duration timeout) throws InterruptedException {
    return initialDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void loop(SecretSpec spec, AdaptiveInterval interval, boolean fetchFirst) {
    boolean first = fetchFirst;
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
      if (!pause(spec, interval)) {
        return;
      }
    }
  }

  /**
   * One refresh, in its own frame: the result holds the payload, and a local of the loop would keep
   * it reachable through the whole sleep (with {@code agent.cache: false} no value may outlive its use).
   */
  private void pollOnce(SecretSpec spec, AdaptiveInterval interval, boolean first) throws InterruptedException {
    SecretSync.Result r = limiter.run(spec.provider(), () -> sync.poll(spec, AuditEvent.SYSTEM));
    if (!first && r.ok()) {
      // A failed fetch says nothing about activity, so it leaves the interval as it is.
      if (r.update().changed()) {
        interval.changed();
      } else {
        interval.unchanged();
      }
    }
  }

  /** Sleeps until the next poll: the adaptive wait, or earlier when a held lease is due; false when interrupted. */
  private boolean pause(SecretSpec spec, AdaptiveInterval interval) {
    metrics.pollInterval(spec.name(), interval.current());
    try {
      Thread.sleep(nextWait(interval.nextWait(), sync.untilLeaseRefresh(spec.name())));
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /**
   * The wait before the next poll: the interval's, shortened to the lease's refresh point; at least
   * {@link #LEASE_RETRY} after a due lease whose refresh failed, so a failing backend is not hammered.
   */
  public static Duration nextWait(Duration regular, Optional<Duration> untilLeaseRefresh) {
    if (untilLeaseRefresh.isEmpty()) {
      return regular;
    }
    // Only a refresh point already passed (its refresh failed) waits the floor; a coming one is met exactly.
    Duration lease = untilLeaseRefresh.get().isZero() ? LEASE_RETRY : untilLeaseRefresh.get();
    return lease.compareTo(regular) < 0 ? lease : regular;
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
