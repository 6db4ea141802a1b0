package io.dso.api;

import io.dso.agent.Agent;
import io.dso.cache.CachedSecret;
import io.dso.inject.ContainerReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place where the API meets the whole agent: it narrows the agent to the views the
 * handlers take (readiness, secrets, events, webhook, and {@link AgentSecretAccess} for the socket).
 * Nothing else in this package sees {@code Agent}.
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
   * The unix socket's handler over a running agent: the shared endpoints of {@code shared}, the
   * value endpoints, and {@code extra} routes keyed {@code "METHOD /path"}.
   */
  public static SocketApiHandler socketHandler(Agent agent, ApiHandler shared, java.util.Map<String, SocketRoute> extra) {
    return new SocketApiHandler(shared, new AgentSecretAccess(agent), agent.audit()::record, extra);
  }
}
