package io.dso.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code agent:} section: cache, label targeting policy, refresh, watching, webhook, rotation,
 * restart grace period, how long a stop waits for rotations in progress before rolling them back, and
 * which fetches are audited.
 */
public record AgentSettings(
    boolean cache,
    LabelTargeting labelTargeting,
    Duration refreshInterval,
    WatchSettings watch,
    WebhookSettings webhook,
    RotationSettings rotation,
    Duration restartGracePeriod,
    Duration shutdownTimeout,
    AuditSettings audit) {
  /** Default of {@code agent.shutdown_timeout}. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  public static final AgentSettings DEFAULT =
      new AgentSettings(
          true,
          LabelTargeting.OPEN,
          Duration.ofMinutes(5),
          WatchSettings.DEFAULT,
          WebhookSettings.DEFAULT,
          RotationSettings.DEFAULT,
          Duration.ofSeconds(10),
          SHUTDOWN_TIMEOUT,
          AuditSettings.DEFAULT);

  public AgentSettings {
    Objects.requireNonNull(labelTargeting, "labelTargeting");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    Objects.requireNonNull(watch, "watch");
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(rotation, "rotation");
    Objects.requireNonNull(restartGracePeriod, "restartGracePeriod");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(audit, "audit");
  }

  /** Settings with the default {@code agent.audit}. */
  public AgentSettings(boolean cache, LabelTargeting labelTargeting, Duration refreshInterval, WatchSettings watch,
      WebhookSettings webhook, RotationSettings rotation, Duration restartGracePeriod, Duration shutdownTimeout) {
    this(cache, labelTargeting, refreshInterval, watch, webhook, rotation, restartGracePeriod, shutdownTimeout,
        AuditSettings.DEFAULT);
  }

  /** Settings with the open label targeting policy and the default {@code shutdown_timeout}. */
  public AgentSettings(boolean cache, Duration refreshInterval, WatchSettings watch, WebhookSettings webhook,
      RotationSettings rotation, Duration restartGracePeriod) {
    this(cache, LabelTargeting.OPEN, refreshInterval, watch, webhook, rotation, restartGracePeriod, SHUTDOWN_TIMEOUT);
  }
}
