package io.dso.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code notifications:} section: where lifecycle notifications go, after how long a failing
 * provider counts as an outage, and how deliveries are retried.
 */
public record NotificationSettings(
    List<NotificationDestination> destinations, Duration providerOutageAfter, RetrySettings retry) {
  public static final RetrySettings DEFAULT_RETRY = new RetrySettings(5, Duration.ofSeconds(1), Duration.ofSeconds(60));
  public static final Duration DEFAULT_OUTAGE_AFTER = Duration.ofMinutes(5);
  /** No destinations: nothing is sent. */
  public static final NotificationSettings NONE = new NotificationSettings(List.of(), DEFAULT_OUTAGE_AFTER, DEFAULT_RETRY);

  public NotificationSettings {
    destinations = List.copyOf(destinations);
    Objects.requireNonNull(providerOutageAfter, "providerOutageAfter");
    Objects.requireNonNull(retry, "retry");
  }
}
