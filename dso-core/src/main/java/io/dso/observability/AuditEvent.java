package io.dso.observability;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One audit record: the eight contract fields (null where they do not apply) plus optional extras
 * such as {@code error}, {@code strategy} or {@code duration_ms}. Never carries a secret value.
 */
public record AuditEvent(
    String level,
    String event,
    String user,
    String provider,
    String secretName,
    String containerId,
    String status,
    Map<String, Object> extras) {

  /** The agent's own identity in the {@code user} field. */
  public static final String SYSTEM = "system";

  public AuditEvent {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(event, "event");
    extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
  }

  /** An {@code audit}-level lifecycle record by the agent itself. */
  public static AuditEvent audit(String event, String provider, String secretName, String status) {
    return new AuditEvent("audit", event, SYSTEM, provider, secretName, null, status, Map.of());
  }

  public AuditEvent withExtra(String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(extras);
    copy.put(key, value);
    return new AuditEvent(level, event, user, provider, secretName, containerId, status, copy);
  }

  public AuditEvent withLevel(String newLevel) {
    return new AuditEvent(newLevel, event, user, provider, secretName, containerId, status, extras);
  }

  public AuditEvent withContainer(String id) {
    String shortId = id == null ? null : id.substring(0, Math.min(12, id.length()));
    return new AuditEvent(level, event, user, provider, secretName, shortId, status, extras);
  }
}
