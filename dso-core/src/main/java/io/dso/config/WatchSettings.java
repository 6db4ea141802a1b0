package io.dso.config;

import java.time.Duration;
import java.util.Objects;

/** Change detection: the mode and, for polling, the base interval (at least one second). */
public record WatchSettings(WatchMode mode, Duration pollingInterval) {
  public static final WatchSettings DEFAULT = new WatchSettings(WatchMode.POLLING, Duration.ofSeconds(30));

  public WatchSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(pollingInterval, "pollingInterval");
  }
}
