package io.dso.compose;

import io.dso.agent.Agent;
import io.dso.api.ApiException;
import io.dso.cache.SecretSync;
import io.dso.config.InjectSpec;
import io.dso.config.ProviderSpec;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import io.dso.observability.AuditEvent;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The planner inside the agent: declared secrets come from the agent's cache (fetched on a miss),
 * undeclared names from a configured {@code localvault} provider (fetched now, audited with the
 * peer as user, and held in the cache until the project goes down); version labels carry the
 * agent's HMAC, so the agent sees freshly started services as current and does not rotate them.
 * It remembers which secrets each project used, for {@code down}.
 */
public final class AgentPlanner implements ComposePlanner {
  /** The provider type of the local vault. */
  static final String VAULT_TYPE = "localvault";

  private final Agent agent;
  private final Map<String, Set<String>> usedBy = new ConcurrentHashMap<>();

  public AgentPlanner(Agent agent) {
    this.agent = agent;
  }

  @Override
  public ComposePlan.Response plan(ComposePlan.Request request) {
    return plan(request, AuditEvent.SYSTEM);
  }

  /** Plans for {@code user} (the socket's peer), who is named in the audit records of vault fetches. */
  public ComposePlan.Response plan(ComposePlan.Request request, String user) {
    ComposePlan.Response r;
    try {
      r = new Planning(sources(user)).plan(request);
    } catch (ApiException e) {
      // The message names services, variables, references and keys, never a value.
      agent.audit().record(new AuditEvent("audit", "compose_plan", user, null, null, null, "failed", Map.of())
          .withExtra("project", String.valueOf(request.project()))
          .withExtra("dry_run", request.dryRun())
          .withExtra("error", e.getMessage()));
      throw e;
    }
    // Values leave the agent here (to the socket's peer): one record per secret, as for a fetch.
    new TreeSet<>(r.services().stream().flatMap(s -> s.secrets().stream()).map(ComposePlan.SecretUse::secret).toList())
        .forEach(secret -> agent.audit().record(new AuditEvent("audit", "compose_plan", user,
            agent.config().secret(secret).map(SecretSpec::provider).orElse(null), secret, null, "success", Map.of())
            .withExtra("project", request.project())
            .withExtra("dry_run", request.dryRun())));
    if (!request.dryRun()) {
      Set<String> used = usedBy.computeIfAbsent(request.project(), p -> ConcurrentHashMap.newKeySet());
      r.services().forEach(s -> s.secrets().forEach(u -> used.add(u.secret())));
    }
    return r;
  }

  /** The secrets a project was planned with since this agent started; forgotten by {@link #forget}. */
  Set<String> used(String project) {
    return new TreeSet<>(usedBy.getOrDefault(project, Set.of()));
  }

  /** Every project planned, other than {@code project}, with the secrets it uses. */
  Map<String, Set<String>> others(String project) {
    Map<String, Set<String>> out = new java.util.TreeMap<>(usedBy);
    out.remove(project);
    return out;
  }

  void forget(String project) {
    usedBy.remove(project);
  }

  Agent agent() {
    return agent;
  }

  private PlanSources sources(String user) {
    SecretSync sync = agent.sync();
    List<String> vaults = agent.config().providers().values().stream()
        .filter(p -> p.type().equals(VAULT_TYPE)).map(ProviderSpec::name).toList();
    return new PlanSources() {
      @Override
      public Optional<SecretSpec> declared(String name) {
        return agent.config().secret(name);
      }

      @Override
      public List<String> declaredNames() {
        return agent.config().secrets().stream().map(SecretSpec::name).toList();
      }

      @Override
      public SecretPayload payload(SecretSpec spec) {
        return sync.lookup(spec).orElseThrow(() -> new ApiException(503, "secret '" + spec.name()
            + "' could not be fetched from provider '" + spec.provider() + "' yet; see 'dso status' for the provider's"
            + " error and retry"));
      }

      @Override
      public boolean vault() {
        return !vaults.isEmpty();
      }

      @Override
      public Optional<SecretPayload> vaultEntry(String name) {
        for (String provider : vaults) {
          SecretSync.Result r = sync.refresh(vaultSpec(name, provider), user);
          if (r.ok()) {
            return Optional.of(r.payload());
          }
          if (!(r.error() instanceof SecretNotFoundException)) {
            throw new ApiException(502, "local vault provider '" + provider + "' failed reading '" + name
                + "'; see 'dso status' (vault locked? set DSO_MASTER_KEY) and retry");
          }
        }
        return Optional.empty();
      }

      @Override
      public String version(SecretSpec spec, SecretPayload payload) {
        return agent.injector().version(spec, payload);
      }

      @Override
      public io.dso.inject.ComposeFiles files() {
        return agent.injector().composeFiles();
      }

      @Override
      public boolean rotating() {
        return true;
      }
    };
  }

  /** A vault entry as the cache and providers know a secret: never polled, never injected by label. */
  static SecretSpec vaultSpec(String name, String provider) {
    return new SecretSpec(name, provider, InjectSpec.ENV, false, null, null, Targets.NONE, Map.of(), 0);
  }
}
