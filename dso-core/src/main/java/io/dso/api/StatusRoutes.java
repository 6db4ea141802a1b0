package io.dso.api;

import io.dso.agent.Agent;
import io.dso.config.SecretSpec;
import io.dso.inject.Target;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The diagnostics routes of the unix socket over a running agent: {@code GET /api/status} and
 * {@code GET /api/audit/recent} (the newest {@link StatusTracker#RECORDS} audit records, for
 * {@code dso logs}). Build them when the agent starts: history is kept from then on.
 */
public final class StatusRoutes {
  private StatusRoutes() {}

  public static Map<String, SocketRoute> of(Agent agent) {
    StatusTracker tracker = new StatusTracker();
    agent.audit().subscribe(tracker);
    StatusRoute.Source source = new StatusRoute.Source() {
      @Override
      public String version() {
        return agent.version();
      }

      @Override
      public Instant startedAt() {
        return agent.startedAt();
      }

      @Override
      public ReadinessView.Readiness readiness() {
        Agent.Readiness r = agent.readiness();
        return new ReadinessView.Readiness(r.ready(), r.secretsFetched(), r.dockerUp(), r.dockerHost());
      }

      @Override
      public io.dso.config.DsoConfig config() {
        return agent.config();
      }

      @Override
      public List<io.dso.cache.CachedSecret> secrets() {
        return agent.secrets();
      }

      @Override
      public Optional<String> versionPrefix(SecretSpec spec) {
        return agent.injector().versionPrefix(spec);
      }

      @Override
      public List<Target> containers() {
        return agent.managedContainers();
      }
    };
    return of(source, tracker, Clock.systemUTC());
  }

  /** The routes over any source; the tracker must already be subscribed to the audit records. */
  public static Map<String, SocketRoute> of(StatusRoute.Source source, StatusTracker tracker, Clock clock) {
    return Map.of(
        "GET /api/status", new StatusRoute(source, tracker, clock),
        "GET /api/audit/recent", (user, body) -> Map.of("records", tracker.records(StatusTracker.RECORDS)));
  }
}
