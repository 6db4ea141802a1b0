package io.dso.cli.diag;

import io.dso.DsoException;
import io.dso.api.ApiException;
import io.dso.cli.AgentClient;
import io.dso.observability.LogSafety;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options and error handling every agent command shares: which socket, and how a refusal maps
 * to an exit code (3 no agent, 4 not found, 5 permission denied, 1 anything else).
 */
public final class AgentCall {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int NO_AGENT = 3;
  public static final int NOT_FOUND = 4;
  public static final int DENIED = 5;

  @Option(names = "--socket", paramLabel = "PATH",
      description = "The agent's socket (default: $DSO_SOCKET, else this user's agent socket as `dso agent` chooses it, else /run/dso/dso.sock).")
  Path socket;

  @Option(names = "--debug", description = "Print stack traces on errors.")
  boolean debug;

  /** Work done with a connected client; returns the exit code. */
  @FunctionalInterface
  public interface Work {
    int run(AgentClient client) throws Exception;
  }

  /** The socket as shown in messages: the flag, else {@code $DSO_SOCKET}, else the default. */
  public Path shownSocket() {
    if (socket != null) {
      return socket;
    }
    String env = System.getenv("DSO_SOCKET");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    try {
      return AgentClient.defaultSocket();
    } catch (RuntimeException e) {
      return Path.of("/run/dso/dso.sock");
    }
  }

  /** The one-line message for "no agent listens": where we looked and how to start one. */
  public static String notRunning(Path socket) {
    return "the agent is not running (socket " + socket + "): start it with `dso agent -c dso.yaml`";
  }

  /** Connects, runs {@code work}, and turns the agent's refusals into one line on stderr and an exit code. */
  public int run(PrintWriter err, Work work) throws Exception {
    Optional<AgentClient> client;
    try {
      client = AgentClient.connect(socket);
    } catch (ApiException e) {
      return refused(err, e);
    } catch (DsoException e) {
      return fail(err, e, deniedText(e) ? DENIED : FAILURE);
    }
    if (client.isEmpty()) {
      err.println("dso: error: " + notRunning(shownSocket()));
      err.flush();
      return NO_AGENT;
    }
    try (AgentClient c = client.get()) {
      return work.run(c);
    } catch (ApiException e) {
      return refused(err, e);
    }
  }

  /** The exit code for an agent's answer with HTTP {@code status}. */
  public static int exitCode(int status) {
    return switch (status) {
      case 404 -> NOT_FOUND;
      case 401, 403 -> DENIED;
      default -> FAILURE;
    };
  }

  private int refused(PrintWriter err, ApiException e) {
    return fail(err, e, exitCode(e.status()));
  }

  private int fail(PrintWriter err, Exception e, int code) {
    err.println("dso: error: " + LogSafety.message(String.valueOf(e.getMessage())));
    if (debug) {
      err.print(io.dso.observability.SafeThrowableConverter.render(e));
    }
    err.flush();
    return code;
  }

  private static boolean deniedText(Exception e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return m.contains("permission denied") || m.contains("not allowed");
  }
}
