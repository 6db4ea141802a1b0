package io.dso.trigger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The body of a secret-update webhook: which secret changed where, and when. It never carries a
 * value; parse errors name the field only and never quote the body.
 */
public record WebhookRequest(String provider, String secretName, String eventType, Instant timestamp) {
  /** Earliest accepted timestamp: anything before is a client bug, not an event. */
  public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  /** First instant past the accepted window (years 2000 to 9999). */
  public static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A body that is not the expected JSON object; the message is safe to send back. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static WebhookRequest parse(byte[] body) throws Invalid {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      // Jackson's message quotes the input; say only what is wrong with it.
      throw new Invalid("body is not valid JSON; send {\"provider\",\"secret_name\",\"event_type\",\"timestamp\"}");
    }
    if (root == null || !root.isObject()) {
      throw new Invalid("body must be a JSON object with provider, secret_name, event_type and timestamp");
    }
    String provider = text(root, "provider");
    String name = text(root, "secret_name");
    String type = text(root, "event_type");
    String ts = text(root, "timestamp");
    Instant at;
    try {
      at = OffsetDateTime.parse(ts).toInstant();
    } catch (DateTimeParseException e) {
      throw new Invalid("field 'timestamp' must be an ISO-8601 date-time with offset, e.g. 2026-04-01T10:30:00Z");
    }
    if (at.isBefore(EARLIEST) || !at.isBefore(END)) {
      throw new Invalid("field 'timestamp' must lie in the years 2000 to 9999 (UTC), e.g. 2026-04-01T10:30:00Z");
    }
    return new WebhookRequest(provider, name, type, at);
  }

  private static String text(JsonNode root, String field) throws Invalid {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new Invalid("missing field '" + field + "'");
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new Invalid("field '" + field + "' must be a non-empty string");
    }
    return n.asText();
  }
}
