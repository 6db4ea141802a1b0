package io.dso.api;

import io.dso.agent.Agent;
import io.dso.cache.CachedSecret;
import io.dso.cache.SecretSync;
import io.dso.config.SecretSpec;
import io.dso.inject.ContainerReport;
import io.dso.observability.AuditEvent;
import io.dso.observability.LogSafety;
import io.dso.provider.SecretPayload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where the API meets the whole agent: it narrows the agent to the views the
 * handlers take (readiness, secrets, events, webhook, and a secret access for the socket).
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

  /**
   * {@link SecretAccess} over a running agent: reads go through the cache and its single-flight
   * refresh, so a socket read never bypasses what polling, metrics and the audit log see.
   */
  private static final class AgentSecretAccess implements SecretAccess {
    private final Agent agent;

    AgentSecretAccess(Agent agent) {
      this.agent = agent;
    }

    @Override
    public Value fetch(String secret, String user) {
      SecretSpec spec = spec(secret);
      SecretSync sync = agent.sync();
      Optional<CachedSecret> held = cached(secret);
      if (held.isPresent() && held.get().payload() != null && !sync.expired(spec)) {
        CachedSecret c = held.get();
        // A cache hit touches no provider, so SecretSync writes nothing: the read itself is the record.
        agent.audit().record(new AuditEvent("audit", "secret_fetch", user, spec.provider(), spec.name(), null, "success", Map.of())
            .withExtra("version", c.version())
            .withExtra("source", "cache")
            .withExtra("duration_ms", 0));
        return value(spec, c.payload(), c.fetchedAt());
      }
      // A miss (or agent.cache: false) fetches now, audited by SecretSync with the peer as user.
      SecretSync.Result r = sync.refresh(spec, user);
      if (r.ok()) {
        return value(spec, r.payload(), r.update().current().fetchedAt());
      }
      Optional<CachedSecret> stale = cached(secret).filter(c -> c.payload() != null);
      if (stale.isPresent()) {
        return value(spec, stale.get().payload(), stale.get().fetchedAt());
      }
      throw new ApiException(503, "secret '" + secret + "' is not available: provider '" + spec.provider() + "' failed ("
          + LogSafety.message(String.valueOf(r.error().getMessage())) + "); dso status shows the provider's last error");
    }

    @Override
    public List<SyncResult> sync(String secret, String user) {
      List<SecretSpec> specs = secret == null ? agent.config().secrets() : List.of(spec(secret));
      List<SyncResult> out = new ArrayList<>();
      for (SecretSpec spec : specs) {
        SecretSync.Result r = agent.sync().refresh(spec, user);
        if (r.ok()) {
          out.add(new SyncResult(spec.name(), r.update().changed(), agent.injector().versionOf(spec, r.payload()), null));
        } else {
          out.add(new SyncResult(spec.name(), false, null, LogSafety.message(String.valueOf(r.error().getMessage()))));
        }
      }
      return out;
    }

    @Override
    public List<PurgeResult> purge(List<String> secrets, String user) {
      List<PurgeResult> out = new ArrayList<>();
      for (String name : secrets) {
        out.add(new PurgeResult(name, agent.purge(name, user)));
      }
      return out;
    }

    private SecretSpec spec(String secret) {
      return agent.config().secret(secret).orElseThrow(() -> new ApiException(404,
          "no secret named '" + secret + "' in the agent's config; GET /api/secrets (dso status) lists them"));
    }

    private Optional<CachedSecret> cached(String name) {
      return agent.secrets().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private Value value(SecretSpec spec, SecretPayload payload, Instant fetchedAt) {
      return new Value(spec.name(), agent.injector().versionOf(spec, payload), spec.provider(), fetchedAt, payload.values());
    }
  }
}
