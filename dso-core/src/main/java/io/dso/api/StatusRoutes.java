package io.dso.api;

import java.time.Clock;
import java.util.Map;

/**
 * The diagnostics route of the unix socket, {@code GET /api/status}. Over a running agent it
 * comes from {@code AgentViews.statusRoutes(agent)}; build it when the agent starts: provider and
 * rotation history is kept from then on.
 */
public final class StatusRoutes {
  private StatusRoutes() {}

  /** The route over any source, keyed {@code "METHOD /path"}; the tracker must already be subscribed to the audit records. */
  public static Map<String, SocketRoute> of(StatusRoute.Source source, StatusTracker tracker, Clock clock) {
    return Map.of("GET /api/status", new StatusRoute(source, tracker, clock));
  }
}
