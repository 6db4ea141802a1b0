package io.dso.config;

import java.time.Duration;
import java.util.Objects;

/** Agent-wide rotation behaviour: default strategy, health wait, concurrency bound and per-secret cooldown. */
public record RotationSettings(
    String strategy, Duration healthCheckTimeout, int maxParallel, Duration cooldown) {
  public static final RotationSettings DEFAULT =
      new RotationSettings("rolling", Duration.ofSeconds(30), 2, Duration.ofSeconds(30));

  public RotationSettings {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(healthCheckTimeout, "healthCheckTimeout");
    Objects.requireNonNull(cooldown, "cooldown");
    if (maxParallel < 1 || maxParallel > 64) {
      throw new IllegalArgumentException("max_parallel must be 1..64, got " + maxParallel);
    }
  }
}
