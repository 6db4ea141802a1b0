package io.dso.cli.diag;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One audit record or lifecycle event as one human line: time, event, status, then the fields
 * that say what it was about. Records are value-free already; control characters are escaped so
 * that a record cannot forge a second line.
 */
public final class EventLine {
  private static final Set<String> HEAD = Set.of("timestamp", "time", "at", "level", "event", "type", "status");
  private static final List<String> FIRST = List.of("secret_name", "secret", "provider", "container_id", "container", "user");
  private static final Map<String, String> SHORT = Map.of("secret_name", "secret", "container_id", "container");

  private EventLine() {}

  public static String format(JsonNode r) {
    StringBuilder b = new StringBuilder();
    b.append(first(r, "timestamp", "time", "at"));
    b.append("  ").append(first(r, "event", "type"));
    String status = first(r, "status");
    if (!status.equals("-")) {
      b.append("  ").append(status);
    }
    for (String key : FIRST) {
      append(b, key, r.get(key));
    }
    r.properties().forEach(e -> {
      if (!HEAD.contains(e.getKey()) && !FIRST.contains(e.getKey())) {
        append(b, e.getKey(), e.getValue());
      }
    });
    return b.toString();
  }

  private static void append(StringBuilder b, String key, JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return;
    }
    String text = v.isValueNode() ? v.asText() : v.toString();
    b.append(' ').append(SHORT.getOrDefault(key, key)).append('=').append(quote(text));
  }

  private static String first(JsonNode r, String... keys) {
    for (String k : keys) {
      JsonNode v = r.get(k);
      if (v != null && !v.isNull()) {
        return escape(v.asText());
      }
    }
    return "-";
  }

  private static String quote(String s) {
    String e = escape(s);
    return e.isEmpty() || e.chars().anyMatch(c -> c == ' ' || c == '"') ? '"' + e.replace("\"", "\\\"") + '"' : e;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
