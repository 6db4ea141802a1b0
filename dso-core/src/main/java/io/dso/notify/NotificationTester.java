package io.dso.notify;

import io.dso.config.NotificationDestination;
import io.dso.config.NotificationSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Sends one test message to each destination (or the one named) and reports per destination the
 * status and time: one attempt each, no retry, so the answer is what the destination says now.
 * Logs nothing: the CLI uses it in-process without starting a logging framework.
 */
public final class NotificationTester {
  /** What one destination answered; {@code status} null when nothing came back. */
  public record Result(String destination, String type, boolean ok, Integer status, long millis, String error) {}

  private final NotificationSettings settings;
  private final Payloads payloads;
  private final HttpPoster poster;
  private final Clock clock;
  private final String host;

  public NotificationTester(NotificationSettings settings, Payloads payloads, HttpPoster poster, Clock clock, String host) {
    this.settings = settings;
    this.payloads = payloads;
    this.poster = poster;
    this.clock = clock;
    this.host = host;
  }

  /**
   * Tests every destination, or only {@code nameOrNull}.
   *
   * @throws UnknownDestinationException when no destination is configured or none has that name
   */
  public List<Result> test(String nameOrNull) throws InterruptedException {
    List<NotificationDestination> chosen = choose(settings, nameOrNull);
    List<Result> results = new ArrayList<>();
    for (NotificationDestination d : chosen) {
      Notification n = new Notification("test", null, null, null, null, "test", null, clock.instant().toString(), host, null);
      Sender.Attempt a = new Sender(d, settings.retry(), poster, x -> {}, RandomGenerator.getDefault())
          .once(payloads.body(d.type(), n));
      results.add(new Result(d.name(), d.type().wire(), a.ok(), a.status(), a.took().toMillis(), a.problem()));
    }
    return results;
  }

  static List<NotificationDestination> choose(NotificationSettings settings, String nameOrNull) {
    List<NotificationDestination> all = settings.destinations();
    if (all.isEmpty()) {
      throw new UnknownDestinationException("no notification destinations are configured; add notifications.destinations"
          + " (name, type, url) to dso.yaml", true);
    }
    if (nameOrNull == null) {
      return all;
    }
    List<NotificationDestination> named = all.stream().filter(d -> d.name().equals(nameOrNull)).toList();
    if (named.isEmpty()) {
      throw new UnknownDestinationException("no notification destination named '" + io.dso.LogText.echo(nameOrNull)
          + "'; configured: " + String.join(", ", all.stream().map(NotificationDestination::name).toList()), false);
    }
    return named;
  }

  /** The name put in payloads: $HOSTNAME, else /etc/hostname, else "localhost" (no DNS lookup). */
  public static String hostName(Map<String, String> env) {
    String h = env.get("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.strip();
    }
    try {
      String f = Files.readString(Path.of("/etc/hostname")).strip();
      if (!f.isEmpty() && f.length() < 256) {
        return f;
      }
    } catch (IOException | RuntimeException e) {
      // fall through: a host name is nice to have, never worth failing for
    }
    return "localhost";
  }
}
