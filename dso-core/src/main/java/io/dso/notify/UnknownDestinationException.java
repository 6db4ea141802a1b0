package io.dso.notify;

import io.dso.DsoException;

/** A test was asked of a destination that is not configured (or none is). */
public final class UnknownDestinationException extends DsoException {
  private static final long serialVersionUID = 1L;
  private final boolean noneConfigured;

  UnknownDestinationException(String message, boolean noneConfigured) {
    super(message);
    this.noneConfigured = noneConfigured;
  }

  /** True when the config has no destination at all (rather than none of this name). */
  public boolean noneConfigured() {
    return noneConfigured;
  }
}
