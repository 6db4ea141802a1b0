package io.dso.api;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What {@code dso status} needs from the audit stream, kept in memory: each provider's last
 * success and last error, the outcome of each secret's last fetch, and the recent rotations. Fed
 * by {@code AuditLog.subscribe}; the records are already redacted, so nothing held here is a value.
 */
public final class StatusTracker implements Consumer<Map<String, Object>> {
  /** How many rotations {@code GET /api/status} lists. */
  public static final int ROTATIONS = 20;

  /** The last success and last error of one provider; {@code error} null when none happened yet. */
  public record ProviderState(Instant lastSuccess, Instant lastErrorAt, String lastError) {}

  /** One rotation as audited ({@code secret_rotate} or {@code rotation_rollback}). */
  public record Rotation(Instant at, String secret, String containerId, String strategy, String result,
      Long durationMs, String error) {}

  private final Map<String, ProviderState> providers = new ConcurrentHashMap<>();
  /** provider -> secret -> whether its last fetch succeeded. */
  private final Map<String, Map<String, Boolean>> lastFetch = new ConcurrentHashMap<>();
  private final ArrayDeque<Rotation> rotations = new ArrayDeque<>(ROTATIONS);

  @Override
  public void accept(Map<String, Object> r) {
    String event = text(r.get("event"));
    if ("secret_fetch".equals(event)) {
      fetched(r);
    } else if ("secret_rotate".equals(event) || "rotation_rollback".equals(event)) {
      rotated(r, event);
    }
  }

  private void fetched(Map<String, Object> r) {
    String provider = text(r.get("provider"));
    String secret = text(r.get("secret_name"));
    if (provider == null || secret == null || "cache".equals(r.get("source"))) {
      return; // a read served from the cache says nothing about the provider
    }
    Instant at = instant(r.get("timestamp"));
    boolean ok = "success".equals(r.get("status"));
    lastFetch.computeIfAbsent(provider, k -> new ConcurrentHashMap<>()).put(secret, ok);
    providers.compute(provider, (k, old) -> {
      ProviderState was = old == null ? new ProviderState(null, null, null) : old;
      return ok
          ? new ProviderState(at, was.lastErrorAt(), was.lastError())
          : new ProviderState(was.lastSuccess(), at, secret + ": " + text(r.get("error")));
    });
  }

  private void rotated(Map<String, Object> r, String event) {
    String result = "rotation_rollback".equals(event)
        ? ("success".equals(r.get("status")) ? "rolled back" : "rollback failed")
        : ("success".equals(r.get("status")) ? "success" : "failed");
    Long duration = r.get("duration_ms") instanceof Number n ? n.longValue() : null;
    Rotation rotation = new Rotation(instant(r.get("timestamp")), text(r.get("secret_name")),
        text(r.get("container_id")), text(r.get("strategy")), result, duration, text(r.get("error")));
    synchronized (rotations) {
      if (rotations.size() == ROTATIONS) {
        rotations.removeFirst();
      }
      rotations.addLast(rotation);
    }
  }

  /** The provider's state; empty-handed (all null) before its first fetch. */
  public ProviderState provider(String name) {
    return providers.getOrDefault(name, new ProviderState(null, null, null));
  }

  /** Healthy while the last fetch of every secret of the provider succeeded; null before any fetch. */
  public Boolean healthy(String provider) {
    Map<String, Boolean> outcomes = lastFetch.get(provider);
    if (outcomes == null || outcomes.isEmpty()) {
      return null;
    }
    return !outcomes.containsValue(false);
  }

  /** The recent rotations, newest first. */
  public List<Rotation> rotations() {
    synchronized (rotations) {
      List<Rotation> out = new ArrayList<>(rotations);
      java.util.Collections.reverse(out);
      return out;
    }
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  private static Instant instant(Object o) {
    try {
      return o == null ? null : Instant.parse(o.toString());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
