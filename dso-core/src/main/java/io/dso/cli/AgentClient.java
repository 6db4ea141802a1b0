package io.dso.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CLI's side of the agent's unix-socket API: JSON requests, and line streams for events.
 * Errors are one line that says what to do (agent not running, permission denied).
 */
public final class AgentClient implements AutoCloseable {
  private AgentClient() {}

  /** {@code /run/dso/dso.sock} as root, else {@code $XDG_RUNTIME_DIR/dso/dso.sock}. */
  public static Path defaultSocket() {
    throw new UnsupportedOperationException("AgentClient: not built yet");
  }

  /**
   * Connects to the agent at {@code socket} (null: {@code $DSO_SOCKET}, else the default);
   * empty when no agent listens there, an error when one does but refuses us.
   */
  public static Optional<AgentClient> connect(Path socket) {
    throw new UnsupportedOperationException("AgentClient: not built yet");
  }

  /** GET {@code path}; a non-2xx answer becomes a {@link io.dso.api.ApiException} with the agent's message. */
  public JsonNode get(String path) {
    throw new UnsupportedOperationException("AgentClient: not built yet");
  }

  /** POST {@code body} as JSON to {@code path}; errors as for {@link #get}. */
  public JsonNode post(String path, Object body) {
    throw new UnsupportedOperationException("AgentClient: not built yet");
  }

  /** Streams a server-sent-events endpoint, one data line at a time, until the agent closes it or the thread is interrupted. */
  public void stream(String path, Consumer<String> onData) {
    throw new UnsupportedOperationException("AgentClient: not built yet");
  }

  @Override
  public void close() {}
}
