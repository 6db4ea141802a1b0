package io.dso.notify;

import java.util.Objects;

/**
 * One lifecycle notification, built only from audit record fields that never carry a value: names,
 * ids, strategy, status, an already-redacted error and the version prefix. Null where not applicable.
 */
public record Notification(
    String event,
    String secret,
    String container,
    String provider,
    String strategy,
    String status,
    String error,
    String time,
    String host,
    String version) {
  public Notification {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(time, "time");
  }
}
