package io.dso.e2e;

import io.dso.api.ApiException;
import io.dso.cli.AgentClient;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs the CLI's {@link AgentClient} in its own JVM, so a test can run it as another user: prints
 * {@code EMPTY} (no agent), the answer's JSON, or {@code ERROR <status> <message>}.
 */
public final class SocketClientProbe {
  private SocketClientProbe() {}

  public static void main(String[] args) {
    try {
      Optional<AgentClient> client = AgentClient.connect(Path.of(args[0]));
      System.out.println(client.isEmpty() ? "EMPTY" : client.get().get(args[1]).toString());
    } catch (ApiException e) {
      System.out.println("ERROR " + e.status() + " " + e.getMessage());
    }
  }
}
