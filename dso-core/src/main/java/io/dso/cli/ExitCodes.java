package io.dso.cli;

/**
 * The exit codes every {@code dso} command uses, so that scripts can tell "agent down" from "no such
 * secret" without parsing messages.
 */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** It failed; the one-line message on stderr says why and what to do. */
  public static final int FAILURE = 1;
  /** Unknown command or option, or a bad value: picocli's usage error. */
  public static final int USAGE = 2;
  /** No agent listens on the socket (or it is not ready). */
  public static final int AGENT_UNREACHABLE = 3;
  /** The secret or vault entry does not exist. */
  public static final int NOT_FOUND = 4;
  /** The socket, a file or the provider refused us. */
  public static final int PERMISSION_DENIED = 5;

  private ExitCodes() {}
}
