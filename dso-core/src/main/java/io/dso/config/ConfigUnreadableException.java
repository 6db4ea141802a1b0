package io.dso.config;

import io.dso.DsoException;
import io.dso.LogText;

/**
 * The config file could not be found, read, or is not YAML text at all. The message echoes a path
 * the user typed, so it is escaped and capped to stay one line.
 */
public final class ConfigUnreadableException extends DsoException {
  private static final long serialVersionUID = 1L;

  public ConfigUnreadableException(String message) {
    super(LogText.line(message));
  }

  public ConfigUnreadableException(String message, Throwable cause) {
    super(LogText.line(message), cause);
  }
}
