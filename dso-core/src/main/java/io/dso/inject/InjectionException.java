package io.dso.inject;

import io.dso.DsoException;

/** Injection of a secret into a container could not be done; names both and says what to do. */
public final class InjectionException extends DsoException {
  private static final long serialVersionUID = 1L;

  public InjectionException(String message) {
    super(message);
  }

  public InjectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
