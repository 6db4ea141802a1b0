package io.dso.docker;

import io.dso.DsoException;

/**
 * A Docker Engine call that failed, naming the operation and the container; {@link #unreachable()}
 * tells a daemon that does not answer (stopped, restarting, socket gone) from one that said no.
 */
public final class DockerOperationException extends DsoException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String container;
  private final boolean unreachable;

  public DockerOperationException(String operation, String container, String message, Throwable cause) {
    this(operation, container, message, cause, false);
  }

  public DockerOperationException(String operation, String container, String message, Throwable cause, boolean unreachable) {
    super("docker " + operation + " " + container + " failed: " + message, cause);
    this.operation = operation;
    this.container = container;
    this.unreachable = unreachable;
  }

  /** True when the daemon did not answer at all: an outage to wait out, never a verdict on a container. */
  public boolean unreachable() {
    return unreachable;
  }

  /** Whether {@code e} or one of its causes is an unreachable daemon. */
  public static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DockerOperationException d && d.unreachable) {
        return true;
      }
    }
    return false;
  }

  public String operation() {
    return operation;
  }

  public String container() {
    return container;
  }
}
