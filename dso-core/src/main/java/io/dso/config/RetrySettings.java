package io.dso.config;

import java.time.Duration;
import java.util.Objects;

/** Retry of retryable provider errors: attempts in total, exponential backoff from {@code backoff} up to {@code maxBackoff}. */
public record RetrySettings(int attempts, Duration backoff, Duration maxBackoff) {
  public static final RetrySettings DEFAULT =
      new RetrySettings(3, Duration.ofSeconds(1), Duration.ofSeconds(30));

  public RetrySettings {
    if (attempts < 1 || attempts > 10) {
      throw new IllegalArgumentException("retry attempts must be 1..10, got " + attempts);
    }
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
  }
}
