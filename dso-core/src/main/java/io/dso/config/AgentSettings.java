package io.dso.config;

import java.time.Duration;
import java.util.Objects;

/** The {@code agent:} section: cache, refresh, watching, webhook, rotation and restart grace period. */
public record AgentSettings(
    boolean cache,
    Duration refreshInterval,
    WatchSettings watch,
    WebhookSettings webhook,
    RotationSettings rotation,
    Duration restartGracePeriod) {
  public static final AgentSettings DEFAULT =
      new AgentSettings(
          true,
          Duration.ofMinutes(5),
          WatchSettings.DEFAULT,
          WebhookSettings.DEFAULT,
          RotationSettings.DEFAULT,
          Duration.ofSeconds(10));

  public AgentSettings {
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(watch, "watch");
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(rotation, "rotation");
    Objects.requireNonNull(restartGracePeriod, "restartGracePeriod");
  }
}
