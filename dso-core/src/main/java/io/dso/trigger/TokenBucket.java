package io.dso.trigger;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code capacity} tokens, refilled continuously at {@code perSecond}. The time
 * source is injected so that tests step it instead of sleeping.
 */
public final class TokenBucket {
  private final double capacity;
  private final double perNano;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  public TokenBucket(int perSecond, int capacity, LongSupplier nanoTime) {
    if (perSecond < 1 || capacity < 1) {
      throw new IllegalArgumentException("rate and burst must be at least 1, got " + perSecond + "/s burst " + capacity);
    }
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.last = nanoTime.getAsLong();
  }

  /** Takes a token if one is available now. */
  public synchronized boolean tryAcquire() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** How long until the next token is available (0 if one is available now). */
  public synchronized long nanosUntilAvailable() {
    refill();
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
  }

  private void refill() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
  }
}
