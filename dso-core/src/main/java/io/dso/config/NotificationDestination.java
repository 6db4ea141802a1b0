package io.dso.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One place notifications go: a generic JSON webhook or a Slack-compatible one. The URL (a Slack
 * webhook URL is itself a credential) and header values never appear in {@link #toString()}.
 */
public record NotificationDestination(
    String name, Type type, URI url, Set<String> events, Map<String, String> headers, Duration timeout) {
  /** Every event a destination can ask for; the default is all of them. */
  public static final List<String> EVENTS =
      List.of("rotation_success", "rotation_failure", "rotation_rollback", "provider_outage", "provider_recovered");

  /** The payload shape a destination receives. */
  public enum Type {
    WEBHOOK,
    SLACK;

    /** The name written in dso.yaml. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public NotificationDestination {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
    events = Set.copyOf(events);
    headers = Map.copyOf(headers);
    Objects.requireNonNull(timeout, "timeout");
  }

  /** Whether this destination asked for {@code event}. */
  public boolean wants(String event) {
    return events.contains(event);
  }

  /** Scheme, host and port only: what may be shown in a log line or a message. */
  public String safeEndpoint() {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
  }

  @Override
  public String toString() {
    return "NotificationDestination[name=" + name + ", type=" + type.wire() + ", endpoint=" + safeEndpoint()
        + ", events=" + events + ", headers=" + headers.keySet() + ", timeout=" + timeout + "]";
  }
}
