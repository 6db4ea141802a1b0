package io.dso.provider;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the wait before retry {@code n} (1-based) is uniform in
 * [base*2^(n-1)/2, base*2^(n-1)], capped at {@code max}; jitter keeps many agents from retrying in step.
 */
public record Backoff(Duration base, Duration max) {
  public Backoff {
    if (base.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 <= base <= max, got " + base + ", " + max);
    }
  }

  /**
   * The jittered delay, but at least {@code atLeast} (a backend's Retry-After), still capped at
   * {@code max} so that a hostile or broken hint cannot stall the agent.
   */
  public Duration delay(int retry, RandomGenerator random, Duration atLeast) {
    Duration d = delay(retry, random);
    if (atLeast == null || d.compareTo(atLeast) >= 0) {
      return d;
    }
    return atLeast.compareTo(max) > 0 ? max : atLeast;
  }

  public Duration delay(int retry, RandomGenerator random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1");
    }
    long baseNanos = base.toNanos();
    int shift = Math.min(retry - 1, 30);
    long ceiling = baseNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseNanos << shift;
    ceiling = Math.min(ceiling, max.toNanos());
    long floor = ceiling / 2;
    long nanos = floor + (ceiling > floor ? random.nextLong(ceiling - floor + 1) : 0);
    return Duration.ofNanos(nanos);
  }
}
