package io.dso.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the {@code notifications:} section. Messages never quote a URL or a header value: a Slack
 * webhook URL and an Authorization header are credentials themselves.
 */
final class NotificationsReader {
  private static final List<String> KEYS = List.of("destinations", "provider_outage_after", "retry");
  private static final List<String> DESTINATION_KEYS = List.of("name", "type", "url", "events", "headers", "timeout");
  private static final List<String> RETRY_KEYS = List.of("attempts", "backoff", "max_backoff");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  /** Headers the HTTP client sets itself (and refuses to take from us). */
  private static final Set<String> RESERVED_HEADERS =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding", "content-type");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final Values values;
  private final Problems problems;
  private final List<String> warnings = new ArrayList<>();

  NotificationsReader(Values values) {
    this.values = values;
    this.problems = values.problems();
  }

  /** Things that load but deserve a word in the log (plain http to another host). */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  NotificationSettings read(Node node) {
    if (node == null || Values.isNull(node)) {
      return NotificationSettings.NONE;
    }
    YamlMap m = YamlMap.of(node, "notifications", KEYS, problems);
    if (m == null) {
      return NotificationSettings.NONE;
    }
    Duration outage = m.has("provider_outage_after")
        ? values.duration(m.get("provider_outage_after"), m.path("provider_outage_after"), Duration.ofSeconds(1)) : null;
    RetrySettings retry = retry(m);
    List<NotificationDestination> destinations = new ArrayList<>();
    if (m.has("destinations") && !Values.isNull(m.get("destinations"))) {
      List<Node> items = values.list(m.get("destinations"), m.path("destinations"));
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; items != null && i < items.size(); i++) {
        NotificationDestination d = destination(items.get(i), m.path("destinations") + "[" + i + "]");
        if (d != null && !names.add(d.name())) {
          problems.add(items.get(i), m.path("destinations") + "[" + i + "].name",
              "duplicate destination name '" + d.name() + "'; give each destination its own name");
        } else if (d != null) {
          destinations.add(d);
        }
      }
    }
    return new NotificationSettings(destinations, outage == null ? NotificationSettings.DEFAULT_OUTAGE_AFTER : outage,
        retry);
  }

  private RetrySettings retry(YamlMap parent) {
    RetrySettings d = NotificationSettings.DEFAULT_RETRY;
    if (!parent.has("retry") || Values.isNull(parent.get("retry"))) {
      return d;
    }
    YamlMap m = YamlMap.of(parent.get("retry"), parent.path("retry"), RETRY_KEYS, problems);
    if (m == null) {
      return d;
    }
    Integer attempts = m.has("attempts") ? values.integer(m.get("attempts"), m.path("attempts"), 1, 10) : null;
    Duration backoff = m.has("backoff") ? values.duration(m.get("backoff"), m.path("backoff"), Duration.ofMillis(10)) : null;
    Duration max = m.has("max_backoff")
        ? values.duration(m.get("max_backoff"), m.path("max_backoff"), Duration.ofMillis(10)) : null;
    backoff = AgentReader.or(backoff, d.backoff());
    max = AgentReader.or(max, d.maxBackoff());
    if (max.compareTo(backoff) < 0) {
      problems.add(m.has("max_backoff") ? m.get("max_backoff") : m.get("backoff"), m.path("max_backoff"),
          "max_backoff (" + Durations.format(max) + ") is shorter than backoff (" + Durations.format(backoff)
              + "); raise max_backoff or lower backoff");
      return d;
    }
    return new RetrySettings(AgentReader.or(attempts, d.attempts()), backoff, max);
  }

  private NotificationDestination destination(Node node, String path) {
    YamlMap m = YamlMap.of(node, path, DESTINATION_KEYS, problems);
    if (m == null) {
      return null;
    }
    String name = required(m, "name", "give the destination a name, e.g. name: ops-slack");
    if (name != null && !NAME.matcher(name).matches()) {
      problems.add(m.get("name"), m.path("name"),
          "a destination name is letters, digits, '.', '_' and '-' (at most 63), starting with a letter or digit");
      name = null;
    }
    String type = m.has("type")
        ? values.choice(m.get("type"), m.path("type"), List.of("webhook", "slack"))
        : missing(m, "type", "write type: webhook (generic JSON) or type: slack ({\"text\": ...})");
    URI url = url(m, name);
    Set<String> events = events(m);
    Map<String, String> headers = headers(m);
    Duration timeout = m.has("timeout") ? values.duration(m.get("timeout"), m.path("timeout"), Duration.ofMillis(100)) : null;
    if (name == null || type == null || url == null || events == null || headers == null
        || (m.has("timeout") && timeout == null)) {
      return null;
    }
    return new NotificationDestination(name, NotificationDestination.Type.valueOf(type.toUpperCase(Locale.ROOT)), url,
        events, headers, timeout == null ? DEFAULT_TIMEOUT : timeout);
  }

  private String required(YamlMap m, String key, String whatToDo) {
    return m.has(key) ? values.nonEmpty(m.get(key), m.path(key), whatToDo) : missing(m, key, whatToDo);
  }

  private String missing(YamlMap m, String key, String whatToDo) {
    problems.add(m.node(), m.path(key), "is missing; " + whatToDo);
    return null;
  }

  private URI url(YamlMap m, String name) {
    String text = required(m, "url", "give the webhook URL, e.g. url: \"${SLACK_WEBHOOK_URL}\"");
    if (text == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      // The reason names the offending character only; the URL itself may be a credential.
      problems.add(m.get("url"), m.path("url"), "is not a valid URL (" + e.getReason() + " at index " + e.getIndex()
          + "); write http(s)://host[:port]/path");
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      problems.add(m.get("url"), m.path("url"), "must be an http:// or https:// URL; write http(s)://host[:port]/path");
      return null;
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      problems.add(m.get("url"), m.path("url"), "has no host name; write http(s)://host[:port]/path");
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      problems.add(m.get("url"), m.path("url"),
          "must not carry user:password@; put credentials in headers (e.g. Authorization: \"Bearer ${TOKEN}\")");
      return null;
    }
    if (scheme.equals("http") && !loopback(uri.getHost())) {
      warnings.add("notification destination '" + (name == null ? "?" : name) + "' uses plain http to " + uri.getHost()
          + ": payloads carry no values but do carry secret and container names; use https");
    }
    return uri;
  }

  /** Literal loopback names only: no DNS lookup while loading the config. */
  static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }

  private Set<String> events(YamlMap m) {
    if (!m.has("events")) {
      return Set.copyOf(NotificationDestination.EVENTS);
    }
    List<Node> items = values.list(m.get("events"), m.path("events"));
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      problems.add(m.get("events"), m.path("events"),
          "is empty; list the events to send, or remove the key for all of them");
      return null;
    }
    Set<String> events = new LinkedHashSet<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String e = values.choice(items.get(i), m.path("events") + "[" + i + "]", NotificationDestination.EVENTS);
      ok &= e != null && events.add(e);
    }
    return ok ? events : null;
  }

  private Map<String, String> headers(YamlMap m) {
    if (!m.has("headers") || Values.isNull(m.get("headers"))) {
      return Map.of();
    }
    YamlMap h = YamlMap.of(m.get("headers"), m.path("headers"), null, problems);
    if (h == null) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    boolean ok = true;
    for (String key : h.keys()) {
      if (!HEADER.matcher(key).matches()) {
        problems.add(h.keyNode(key), h.path(key), "is not a valid HTTP header name; use letters, digits and '-'");
        ok = false;
      } else if (RESERVED_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
        problems.add(h.keyNode(key), h.path(key), "is set by the agent itself; remove it");
        ok = false;
      } else {
        String v = values.string(h.get(key), h.path(key));
        if (v == null) {
          ok = false;
        } else if (v.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
          problems.add(h.get(key), h.path(key), "must be one line (no line breaks) after expanding environment variables");
          ok = false;
        } else {
          headers.put(key, v);
        }
      }
    }
    return ok ? headers : null;
  }
}
