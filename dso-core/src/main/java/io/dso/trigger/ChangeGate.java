package io.dso.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cooldown and debounce per secret. The first change after a quiet period fires at once (leading
 * edge); changes within {@code cooldown} after a firing are coalesced into exactly one firing at
 * the end of the cooldown (trailing edge). A firing only names the secret: the downstream reads
 * the newest value from the cache, so the trailing firing always uses the latest value.
 */
public final class ChangeGate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeGate.class);

  private final Duration cooldown;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Consumer<String> fire;
  private final Map<String, State> states = new HashMap<>();
  private boolean closed;

  /** Per secret: when it last fired, and the trailing firing already scheduled, if any. */
  private static final class State {
    Instant lastFired;
    ScheduledFuture<?> trailing;
  }

  public ChangeGate(Duration cooldown, Clock clock, ScheduledExecutorService scheduler, Consumer<String> fire) {
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must not be negative, got " + cooldown);
    }
    this.cooldown = cooldown;
    this.clock = clock;
    this.scheduler = scheduler;
    this.fire = fire;
  }

  /** Reports that {@code secret} changed; fires now, later (coalesced) or, once closed, never. */
  public void changed(String secret) {
    boolean now;
    synchronized (this) {
      if (closed) {
        return;
      }
      State s = states.computeIfAbsent(secret, k -> new State());
      if (s.trailing != null) {
        return; // already coalesced into the pending trailing firing
      }
      Instant t = clock.instant();
      Instant quietFrom = s.lastFired == null ? null : s.lastFired.plus(cooldown);
      now = quietFrom == null || !t.isBefore(quietFrom);
      if (now) {
        s.lastFired = t;
      } else {
        long delay = Duration.between(t, quietFrom).toNanos();
        s.trailing = scheduler.schedule(() -> trailing(secret), delay, TimeUnit.NANOSECONDS);
        LOG.debug("secret '{}' changed within its cooldown; coalescing into one firing in {} ms", secret, delay / 1_000_000);
      }
    }
    if (now) {
      run(secret);
    }
  }

  private void trailing(String secret) {
    synchronized (this) {
      State s = states.get(secret);
      if (closed || s == null) {
        return;
      }
      s.trailing = null;
      s.lastFired = clock.instant();
    }
    run(secret);
  }

  private void run(String secret) {
    try {
      fire.accept(secret);
    } catch (RuntimeException e) {
      LOG.error("handling the change of secret '{}' failed: {}", secret, e.getClass().getSimpleName());
    }
  }

  /** Cancels pending trailing firings; later changes are ignored. */
  @Override
  public synchronized void close() {
    closed = true;
    states.values().forEach(s -> {
      if (s.trailing != null) {
        s.trailing.cancel(false);
      }
    });
    states.clear();
  }
}
