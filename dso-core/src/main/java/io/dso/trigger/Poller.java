package io.dso.trigger;

import io.dso.cache.SecretSync;
import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.config.WatchMode;
import io.dso.observability.AuditEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every configured secret fresh: one virtual thread per secret fetches it at start, then
 * every {@code polling_interval} for secrets with {@code rotation: true} (unless the watch mode is
 * {@code event}), otherwise every {@code refresh_interval} (the cache TTL).
 */
public final class Poller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

  private final DsoConfig config;
  private final SecretSync sync;
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch initialDone;
  private volatile boolean stopped;

  public Poller(DsoConfig config, SecretSync sync) {
    this.config = config;
    this.sync = sync;
    this.initialDone = new CountDownLatch(config.secrets().size());
  }

  /** The interval at which {@code spec} is fetched again. */
  public static Duration interval(DsoConfig config, SecretSpec spec) {
    boolean polled = spec.rotation() && config.agent().watch().mode() != WatchMode.EVENT;
    return polled ? config.agent().watch().pollingInterval() : config.agent().refreshInterval();
  }

  public void start() {
    for (SecretSpec spec : config.secrets()) {
      Duration every = interval(config, spec);
      threads.add(Thread.ofVirtual().name("poll-" + spec.name()).start(() -> loop(spec, every)));
    }
  }

  /** Waits until every secret has had its first fetch (successful or not). */
  public boolean awaitInitialFetch(Duration timeout) throws InterruptedException {
    return initialDone.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void loop(SecretSpec spec, Duration every) {
    boolean first = true;
    while (!stopped) {
      try {
        sync.refresh(spec, AuditEvent.SYSTEM);
      } catch (RuntimeException e) {
        LOG.error("refresh of secret '{}' failed unexpectedly: {}", spec.name(), e.getClass().getSimpleName());
      } finally {
        if (first) {
          initialDone.countDown();
          first = false;
        }
      }
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
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
