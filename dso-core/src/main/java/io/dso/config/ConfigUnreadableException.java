package io.dso.config;

import io.dso.DsoException;

/** The config file could not be found, read, or is not YAML text at all. */
public final class ConfigUnreadableException extends DsoException {
  private static final long serialVersionUID = 1L;

  public ConfigUnreadableException(String message) {
    super(message);
  }

  public ConfigUnreadableException(String message, Throwable cause) {
    super(message, cause);
  }
}
