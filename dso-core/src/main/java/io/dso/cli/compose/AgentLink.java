package io.dso.cli.compose;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.cli.AgentClient;
import io.dso.compose.ComposePlan;
import io.dso.compose.ComposePlanner;
import java.util.Map;
import java.util.Optional;

/**
 * What the Compose commands need from a running agent: its planner (values come back only over the
 * unix socket) and the purge of a project's secrets on {@code down}.
 */
public interface AgentLink extends ComposePlanner, AutoCloseable {
  /** Tells the agent the project is down: it purges the project's secrets from its cache. */
  JsonNode down(String project);

  @Override
  void close();

  /** The agent on its unix socket ({@code $DSO_SOCKET} or the default), empty when none listens. */
  static Optional<AgentLink> connect() {
    return AgentClient.connect(null).map(AgentLink::over);
  }

  /** Wraps a connected client. */
  static AgentLink over(AgentClient client) {
    ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    return new AgentLink() {
      @Override
      public ComposePlan.Response plan(ComposePlan.Request request) {
        JsonNode answer = client.post("/api/compose/plan", request);
        try {
          return json.treeToValue(answer, ComposePlan.Response.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new io.dso.DsoException("the agent's Compose plan is not readable (" + e.getOriginalMessage()
              + "); are the agent and the CLI the same version? check with 'dso version'");
        }
      }

      @Override
      public JsonNode down(String project) {
        return client.post("/api/compose/down", Map.of("project", project));
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
