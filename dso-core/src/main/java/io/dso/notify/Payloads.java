package io.dso.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.config.NotificationDestination;
import io.dso.observability.Redactor;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a {@link Notification} into the body a destination receives: generic JSON or Slack's
 * {@code {"text": ...}}. Every field passes through the redactor as a second guard: the fields are
 * value-free by construction, the redactor catches a value that slipped into an error text anyway.
 */
public final class Payloads {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_FIELD = 1_000;

  private final Redactor redactor;

  public Payloads(Redactor redactor) {
    this.redactor = redactor;
  }

  /** The body for {@code type}. */
  public byte[] body(NotificationDestination.Type type, Notification n) {
    Object payload = type == NotificationDestination.Type.SLACK ? Map.of("text", text(n)) : fields(n);
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generic shape: every field, in a fixed order, null where it does not apply. */
  Map<String, Object> fields(Notification n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", safe(n.event()));
    m.put("secret", safe(n.secret()));
    m.put("container", safe(n.container()));
    m.put("provider", safe(n.provider()));
    m.put("strategy", safe(n.strategy()));
    m.put("status", safe(n.status()));
    m.put("error", safe(n.error()));
    m.put("time", safe(n.time()));
    m.put("host", safe(n.host()));
    m.put("version", safe(n.version()));
    return m;
  }

  /** One readable line for people. */
  String text(Notification n) {
    String what = switch (n.event()) {
      case "rotation_success" -> "rotated secret " + quote(n.secret()) + into(n) + details(n);
      case "rotation_failure" -> "rotation of secret " + quote(n.secret()) + " FAILED" + into(n) + details(n) + error(n);
      case "rotation_rollback" -> ("success".equals(n.status()) ? "rolled back " : "rollback FAILED for ")
          + "secret " + quote(n.secret()) + into(n) + details(n) + error(n);
      case "provider_outage" -> "provider " + quote(n.provider()) + " has been failing since " + n.time() + error(n);
      case "provider_recovered" -> "provider " + quote(n.provider()) + " answers again";
      case "test" -> "test notification sent by 'dso notifications test': this destination works";
      default -> n.event();
    };
    return safe("[dso" + (n.host() == null ? "" : "@" + n.host()) + "] " + what).replaceAll("[\\p{Cntrl}]", " ");
  }

  private static String into(Notification n) {
    return n.container() == null ? "" : " in container " + n.container();
  }

  private static String details(Notification n) {
    StringBuilder b = new StringBuilder();
    if (n.strategy() != null) {
      b.append("strategy ").append(n.strategy());
    }
    if (n.provider() != null) {
      b.append(b.isEmpty() ? "" : ", ").append("provider ").append(n.provider());
    }
    if (n.version() != null) {
      b.append(b.isEmpty() ? "" : ", ").append("version ").append(n.version());
    }
    return b.isEmpty() ? "" : " (" + b + ")";
  }

  private static String error(Notification n) {
    return n.error() == null ? "" : ": " + n.error();
  }

  private static String quote(String s) {
    return s == null ? "?" : "'" + s + "'";
  }

  private String safe(String s) {
    if (s == null) {
      return null;
    }
    String r = redactor.redact(s);
    return r.length() > MAX_FIELD ? r.substring(0, MAX_FIELD) + "..." : r;
  }
}
