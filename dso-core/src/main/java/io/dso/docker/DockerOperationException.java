package io.dso.docker;

import io.dso.DsoException;

/** A Docker Engine call that failed, naming the operation and the container. */
public final class DockerOperationException extends DsoException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String container;

  public DockerOperationException(String operation, String container, String message, Throwable cause) {
    super("docker " + operation + " " + container + " failed: " + message, cause);
    this.operation = operation;
    this.container = container;
  }

  public String operation() {
    return operation;
  }

  public String container() {
    return container;
  }
}
