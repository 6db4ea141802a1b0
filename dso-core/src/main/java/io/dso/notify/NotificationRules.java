package io.dso.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which audit records become notifications. Rotations map one to one; a provider whose
 * fetches keep failing (not "not found": that is an answer) for longer than the threshold gives one
 * {@code provider_outage}, noticed at its next failed fetch, and {@code provider_recovered} at its
 * next successful one. Only value-free fields of the record are read.
 */
final class NotificationRules {
  /** Secrets whose version prefix is remembered: more are forgotten oldest first. */
  static final int MAX_VERSIONS = 10_000;

  /** A provider failing since {@code since}; {@code notified} once its outage was announced. */
  private static final class Failing {
    final Instant since;
    boolean notified;

    Failing(Instant since) {
      this.since = since;
    }
  }

  private final Clock clock;
  private final Duration outageAfter;
  private final String host;
  private final Map<String, Failing> failing = new HashMap<>();
  private final Map<String, String> versions = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_VERSIONS;
    }
  };

  NotificationRules(Clock clock, Duration outageAfter, String host) {
    this.clock = clock;
    this.outageAfter = outageAfter;
    this.host = host;
  }

  /** The notifications {@code record} gives rise to (usually none). */
  synchronized List<Notification> on(Map<String, Object> record) {
    String event = text(record, "event");
    String status = text(record, "status");
    String secret = text(record, "secret_name");
    String provider = text(record, "provider");
    if (event == null) {
      return List.of();
    }
    switch (event) {
      case "secret_rotate" -> {
        return List.of(of(record, "success".equals(status) ? "rotation_success" : "rotation_failure"));
      }
      case "rotation_rollback" -> {
        return List.of(of(record, "rotation_rollback"));
      }
      case "secret_change_detected" -> remember(secret, text(record, "version"));
      case "secret_fetch" -> {
        if ("success".equals(status)) {
          remember(secret, text(record, "version"));
          Failing f = provider == null ? null : failing.remove(provider);
          if (f != null && f.notified) {
            return List.of(new Notification("provider_recovered", null, null, provider, null, "success", null,
                timeOf(record), host, null));
          }
        } else if (provider != null && !"not_found".equals(text(record, "outcome"))) {
          Instant now = clock.instant();
          Failing f = failing.computeIfAbsent(provider, p -> new Failing(now));
          if (!f.notified && Duration.between(f.since, now).compareTo(outageAfter) >= 0) {
            f.notified = true;
            return List.of(new Notification("provider_outage", secret, null, provider, null, "failed",
                text(record, "error"), f.since.toString(), host, null));
          }
        }
      }
      default -> {
        // other records are not notified
      }
    }
    return List.of();
  }

  private Notification of(Map<String, Object> record, String event) {
    String secret = text(record, "secret_name");
    return new Notification(event, secret, text(record, "container_id"), text(record, "provider"),
        text(record, "strategy"), text(record, "status"), text(record, "error"), timeOf(record), host,
        secret == null ? null : versions.get(secret));
  }

  private void remember(String secret, String version) {
    if (secret != null && version != null) {
      versions.put(secret, version);
    }
  }

  private String timeOf(Map<String, Object> record) {
    String t = text(record, "timestamp");
    return t != null ? t : clock.instant().toString();
  }

  private static String text(Map<String, Object> record, String key) {
    Object v = record.get(key);
    return v == null ? null : v.toString();
  }
}
