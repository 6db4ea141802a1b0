package io.dso.api;

import java.time.Clock;
import java.util.Map;

/**
 * The diagnostics routes of the unix socket over a running agent: {@code GET /api/status} and
 * {@code GET /api/audit/recent} (the newest {@link StatusTracker#RECORDS} audit records, for
 * {@code dso logs}). Over a running agent they come from {@code AgentViews.statusRoutes(agent)};
 * build them when the agent starts: history is kept from then on.
 */
public final class StatusRoutes {
  private StatusRoutes() {}

  /** The routes over any source; the tracker must already be subscribed to the audit records. */
  public static Map<String, SocketRoute> of(StatusRoute.Source source, StatusTracker tracker, Clock clock) {
    return Map.of(
        "GET /api/status", new StatusRoute(source, tracker, clock),
        "GET /api/audit/recent", (user, body) -> Map.of("records", tracker.records(StatusTracker.RECORDS)));
  }
}
