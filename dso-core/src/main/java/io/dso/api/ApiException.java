package io.dso.api;

import io.dso.DsoException;

/** A request the API refuses: the HTTP status and a one-line message saying what to do. */
public final class ApiException extends DsoException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
