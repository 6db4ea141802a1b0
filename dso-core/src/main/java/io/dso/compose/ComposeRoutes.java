package io.dso.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.agent.Agent;
import io.dso.api.ApiException;
import io.dso.api.SocketRoute;
import io.dso.config.SecretSpec;
import io.dso.docker.ContainerSummary;
import io.dso.inject.ComposeFiles;
import io.dso.inject.ComposeRefs;
import io.dso.inject.InjectionException;
import io.dso.inject.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's Compose endpoints on its unix socket: {@code POST /api/compose/plan} (a
 * {@link ComposePlan.Request}, answered with a {@link ComposePlan.Response}) and
 * {@code POST /api/compose/down {"project"}}, which drops from the cache the secrets that only this
 * project used (each audited {@code secret_purge} with the peer as user) and wipes its files.
 */
public final class ComposeRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ComposeRoutes() {}

  /** The two routes, keyed "METHOD path", over one planner for this agent. */
  public static Map<String, SocketRoute> of(Agent agent) {
    AgentPlanner planner = new AgentPlanner(agent);
    Map<String, SocketRoute> routes = new LinkedHashMap<>();
    routes.put("POST /api/compose/plan", (user, body) -> planner.plan(request(body), user));
    routes.put("POST /api/compose/down", (user, body) -> down(planner, project(body.path("project")), user));
    return routes;
  }

  static ComposePlan.Request request(JsonNode body) {
    String project = project(body.path("project"));
    List<ComposePlan.ServiceRequest> services = new ArrayList<>();
    for (JsonNode s : body.path("services")) {
      String name = s.path("service").asText("");
      Map<String, String> env = new LinkedHashMap<>();
      s.path("env").properties().forEach(e -> {
        if (!e.getValue().isTextual()) {
          throw new ApiException(400, "service '" + name + "' variable " + e.getKey() + ": the template must be a string");
        }
        env.put(e.getKey(), e.getValue().asText());
      });
      services.add(new ComposePlan.ServiceRequest(name, env));
    }
    boolean dryRun = body.path("dryRun").asBoolean(body.path("dry_run").asBoolean(false));
    return new ComposePlan.Request(project, services, dryRun);
  }

  private static String project(JsonNode node) {
    if (!node.isTextual() || !ComposeFiles.validName(node.asText())) {
      throw new ApiException(400, "a Compose project name is required (letters, digits, '_', '.', '-');"
          + " give it as {\"project\": NAME}");
    }
    return node.asText();
  }

  static Map<String, Object> down(AgentPlanner planner, String project, String user) {
    Agent agent = planner.agent();
    Set<String> mine = planner.used(project);
    Set<String> keep = new TreeSet<>();
    planner.others(project).values().forEach(keep::addAll);
    List<ContainerSummary> all;
    try {
      all = agent.docker().list(true);
    } catch (RuntimeException e) {
      all = List.of(); // Docker unreachable: what this agent planned is all it knows
    }
    for (ContainerSummary c : all) {
      boolean ours = project.equals(c.labels().get(Labels.COMPOSE_PROJECT));
      (ours ? mine : keep).addAll(secretsOf(agent, c.labels()));
    }
    // A declared secret that config targets name serves containers outside any project.
    agent.config().secrets().stream()
        .filter(s -> !s.targets().containers().isEmpty() || !s.targets().labels().isEmpty())
        .map(SecretSpec::name).forEach(keep::add);
    List<String> purged = new ArrayList<>();
    for (String secret : mine) {
      if (!keep.contains(secret) && agent.purgeCached(secret, user)) {
        purged.add(secret);
      }
    }
    boolean wiped;
    try {
      ComposeFiles files = agent.injector().composeFiles();
      wiped = files != null && files.wipe(project);
    } catch (InjectionException e) {
      wiped = false; // no secrets directory could be prepared: no file was ever written
    }
    planner.forget(project);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("project", project);
    out.put("purged", purged);
    out.put("files_removed", wiped);
    return out;
  }

  /** The secrets a container's labels name: {@code dso.secrets} and every reference of its templates. */
  private static Set<String> secretsOf(Agent agent, Map<String, String> labels) {
    Set<String> out = new TreeSet<>();
    for (String s : labels.getOrDefault(Labels.SECRETS, "").split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    String env = labels.get(Labels.COMPOSE_ENV);
    if (env != null) {
      try {
        JSON.readTree(env).properties().forEach(e -> ComposeRefs.refs(e.getValue().asText()).forEach(r ->
            out.add(ComposeRefs.declared(r.path(), agent.config()::secret).map(d -> d.spec().name()).orElse(r.path()))));
      } catch (java.io.IOException e) {
        // a label someone else wrote: it names nothing we can tell
      }
    }
    return out;
  }
}
