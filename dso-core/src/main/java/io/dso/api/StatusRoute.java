package io.dso.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.cache.CachedSecret;
import io.dso.config.DsoConfig;
import io.dso.config.ProviderSpec;
import io.dso.config.SecretSpec;
import io.dso.inject.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/status}: the agent, its providers (healthy, last success, last error), secrets
 * (HMAC version prefix, age, rotation, containers using them), managed containers and recent
 * rotations. Names, times and versions only, never a value. Sees the agent through {@link Source}.
 */
public final class StatusRoute implements SocketRoute {
  /** What the status view reads of a running agent. */
  public interface Source {
    String version();

    Instant startedAt();

    ReadinessView.Readiness readiness();

    DsoConfig config();

    List<CachedSecret> secrets();

    /** The HMAC version prefix of the value held for {@code spec}, empty when none is held. */
    Optional<String> versionPrefix(SecretSpec spec);

    /** The managed containers; may throw when Docker fails while listing. */
    List<Target> containers();
  }

  private final Source source;
  private final StatusTracker tracker;
  private final Clock clock;

  public StatusRoute(Source source, StatusTracker tracker, Clock clock) {
    this.source = source;
    this.tracker = tracker;
    this.clock = clock;
  }

  @Override
  public Object handle(String user, JsonNode body) {
    Instant now = clock.instant();
    DsoConfig config = source.config();
    ReadinessView.Readiness ready = source.readiness();
    List<Target> containers;
    String containersError = null;
    try {
      containers = ready.dockerUp() ? source.containers() : List.of();
    } catch (RuntimeException e) {
      containers = List.of();
      containersError = "listing containers failed: " + io.dso.LogText.line(String.valueOf(e.getMessage()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("agent", agent(now, ready, containersError));
    out.put("providers", providers(config));
    out.put("secrets", secrets(config, containers, now));
    out.put("containers", containers(containers));
    out.put("rotations", rotations(containers));
    return out;
  }

  private Map<String, Object> agent(Instant now, ReadinessView.Readiness ready, String containersError) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("version", source.version());
    a.put("pid", ProcessHandle.current().pid());
    a.put("started_at", source.startedAt().toString());
    a.put("uptime_seconds", Duration.between(source.startedAt(), now).toSeconds());
    a.put("ready", ready.ready());
    a.put("secrets_fetched", ready.secretsFetched());
    a.put("docker", ready.dockerUp() ? "connected" : "unreachable");
    a.put("docker_host", ready.dockerHost());
    a.put("config", String.valueOf(source.config().source()));
    if (containersError != null) {
      a.put("error", containersError);
    }
    return a;
  }

  private List<Map<String, Object>> providers(DsoConfig config) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ProviderSpec p : config.providers().values()) {
      StatusTracker.ProviderState s = tracker.provider(p.name());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("type", p.type());
      m.put("healthy", tracker.healthy(p.name()));
      m.put("last_success", text(s.lastSuccess()));
      m.put("last_error", s.lastError());
      m.put("last_error_at", text(s.lastErrorAt()));
      m.put("secrets", config.secrets().stream().filter(x -> x.provider().equals(p.name())).count());
      out.add(m);
    }
    return out;
  }

  private List<Map<String, Object>> secrets(DsoConfig config, List<Target> containers, Instant now) {
    Map<String, CachedSecret> held = new HashMap<>();
    source.secrets().forEach(c -> held.put(c.name(), c));
    List<Map<String, Object>> out = new ArrayList<>();
    for (SecretSpec s : config.secrets()) {
      CachedSecret c = held.get(s.name());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("provider", s.provider());
      m.put("version", source.versionPrefix(s).orElse(null));
      m.put("fetched_at", c == null ? null : c.fetchedAt().toString());
      m.put("age_seconds", c == null ? null : Duration.between(c.fetchedAt(), now).toSeconds());
      m.put("rotation", s.rotation());
      m.put("inject", s.inject().mode().toString().toLowerCase(java.util.Locale.ROOT));
      m.put("containers", containers.stream()
          .filter(t -> t.secrets().stream().anyMatch(x -> x.name().equals(s.name()))).map(Target::name).toList());
      out.add(m);
    }
    return out;
  }

  private static List<Map<String, Object>> containers(List<Target> containers) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Target t : containers) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      m.put("id", t.id().substring(0, Math.min(12, t.id().length())));
      m.put("secrets", t.secrets().stream().map(SecretSpec::name).toList());
      m.put("strategy", t.strategy());
      out.add(m);
    }
    out.sort(java.util.Comparator.comparing(m -> String.valueOf(m.get("name"))));
    return out;
  }

  private List<Map<String, Object>> rotations(List<Target> containers) {
    Map<String, String> names = new HashMap<>();
    containers.forEach(t -> names.put(t.id().substring(0, Math.min(12, t.id().length())), t.name()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (StatusTracker.Rotation r : tracker.rotations()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", text(r.at()));
      m.put("secret", r.secret());
      m.put("container", r.containerId() == null ? null : names.getOrDefault(r.containerId(), r.containerId()));
      m.put("container_id", r.containerId());
      m.put("strategy", r.strategy());
      m.put("result", r.result());
      m.put("duration_ms", r.durationMs());
      m.put("error", r.error());
      out.add(m);
    }
    return out;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
