package io.dso.trigger;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The polling interval of one secret: it starts at the base, grows x1.5 per unchanged poll up to
 * 4x the base, snaps back to the base on a change, and every wait carries +-10% jitter so that
 * secrets configured together do not poll in lock-step. Not thread-safe: one poller thread owns it.
 */
public final class AdaptiveInterval {
  static final double GROWTH = 1.5;
  static final int MAX_FACTOR = 4;
  static final double JITTER = 0.10;

  private final long baseNanos;
  private final long maxNanos;
  private final RandomGenerator random;
  private long currentNanos;

  /** An interval that adapts to activity (rotation secrets under polling). */
  public AdaptiveInterval(Duration base, RandomGenerator random) {
    this(base, MAX_FACTOR, random);
  }

  private AdaptiveInterval(Duration base, int maxFactor, RandomGenerator random) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("polling interval must be positive, got " + base);
    }
    this.baseNanos = base.toNanos();
    this.maxNanos = Math.multiplyExact(baseNanos, maxFactor);
    this.random = random;
    this.currentNanos = baseNanos;
  }

  /** A fixed interval (the cache TTL refresh): it never grows, but still jitters. */
  public static AdaptiveInterval fixed(Duration every, RandomGenerator random) {
    return new AdaptiveInterval(every, 1, random);
  }

  /** The poll found the same content: wait longer next time, up to the cap. */
  public void unchanged() {
    currentNanos = Math.min(maxNanos, (long) (currentNanos * GROWTH));
  }

  /** The poll found new content: the secret is active, poll at the base rate again. */
  public void changed() {
    currentNanos = baseNanos;
  }

  /** The current interval without jitter (what {@code dso_poll_interval_seconds} shows). */
  public Duration current() {
    return Duration.ofNanos(currentNanos);
  }

  /** The next wait: the current interval +-10%. */
  public Duration nextWait() {
    double factor = 1 + random.nextDouble(-JITTER, JITTER);
    return Duration.ofNanos((long) (currentNanos * factor));
  }
}
