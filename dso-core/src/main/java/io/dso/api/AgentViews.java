package io.dso.api;

import io.dso.agent.Agent;
import io.dso.cache.CachedSecret;
import io.dso.inject.ContainerReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where the API meets the whole agent: it narrows the agent to the views the
 * handlers take (readiness, secrets, events, webhook). Nothing else in this package sees {@code Agent}.
 */
public final class AgentViews {
  private AgentViews() {}

  /** The API handler over a running agent whose API listens on {@code bindHost}. */
  public static ApiHandler apiHandler(Agent agent, String bindHost) {
    ReadinessView ready = () -> {
      Agent.Readiness r = agent.readiness();
      return new ReadinessView.Readiness(r.ready(), r.secretsFetched(), r.dockerUp(), r.dockerHost());
    };
    SecretsView secrets = new SecretsView() {
      @Override
      public List<SecretInfo> secrets() {
        List<SecretInfo> out = new ArrayList<>();
        for (CachedSecret s : agent.secrets()) {
          out.add(new SecretInfo(s.name(), s.provider(), s.version(), s.fetchedAt(),
              s.payload() == null ? List.of() : List.copyOf(s.payload().values().keySet())));
        }
        return out;
      }

      @Override
      public Optional<ContainerReport> container(String nameOrId) {
        return agent.injector().describe(nameOrId);
      }
    };
    return new ApiHandler(bindHost, ready, secrets, WebhookSink.of(agent.webhook()), agent.audit()::subscribe);
  }

  /**
   * {@code GET /api/status} for the unix socket, keyed {@code "METHOD /path"}; call when the agent
   * starts (provider and rotation history is kept from then on).
   */
  public static Map<String, SocketRoute> statusRoutes(Agent agent) {
    StatusTracker tracker = new StatusTracker();
    agent.audit().subscribe(tracker);
    StatusRoute.Source source = new StatusRoute.Source() {
      @Override
      public String version() {
        return agent.version();
      }

      @Override
      public java.time.Instant startedAt() {
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
      public java.util.Optional<String> versionPrefix(io.dso.config.SecretSpec spec) {
        return agent.injector().versionPrefix(spec);
      }

      @Override
      public List<io.dso.inject.Target> containers() {
        return agent.managedContainers();
      }
    };
    return StatusRoutes.of(source, tracker, java.time.Clock.systemUTC());
  }
}
