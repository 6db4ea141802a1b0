package io.dso.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code agent:} section: cache, label targeting policy, refresh, watching, webhook, rotation and
 * restart grace period.
 */
public record AgentSettings(
    boolean cache,
    LabelTargeting labelTargeting,
    Duration refreshInterval,
    WatchSettings watch,
    WebhookSettings webhook,
    RotationSettings rotation,
    Duration restartGracePeriod) {
  public static final AgentSettings DEFAULT =
      new AgentSettings(
          true,
          LabelTargeting.OPEN,
          Duration.ofMinutes(5),
          WatchSettings.DEFAULT,
          WebhookSettings.DEFAULT,
          RotationSettings.DEFAULT,
          Duration.ofSeconds(10));

  public AgentSettings {
    Objects.requireNonNull(labelTargeting, "labelTargeting");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(watch, "watch");
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(rotation, "rotation");
    Objects.requireNonNull(restartGracePeriod, "restartGracePeriod");
  }

  /** Settings with the open label targeting policy (the default). */
  public AgentSettings(boolean cache, Duration refreshInterval, WatchSettings watch, WebhookSettings webhook,
      RotationSettings rotation, Duration restartGracePeriod) {
    this(cache, LabelTargeting.OPEN, refreshInterval, watch, webhook, rotation, restartGracePeriod);
  }
}
