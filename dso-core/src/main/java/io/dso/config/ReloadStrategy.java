package io.dso.config;

import java.util.Objects;

/** A secret's own reload strategy; {@code signal} is set (default SIGHUP) only for type {@code signal}. */
public record ReloadStrategy(String type, String signal) {
  public ReloadStrategy {
    Objects.requireNonNull(type, "type");
    if (type.equals("signal") != (signal != null)) {
      throw new IllegalArgumentException("a signal is given exactly when the type is signal");
    }
  }
}
