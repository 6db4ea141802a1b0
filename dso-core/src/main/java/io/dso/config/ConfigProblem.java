package io.dso.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem in a config file: 1-based line, dotted key path such as {@code secrets[1].inject.path}
 * (empty for file-level problems), a message and an optional hint. Never contains a secret value.
 */
public record ConfigProblem(Path file, int line, String key, String message, String hint) {
  public ConfigProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
  }

  /** {@code dso.yaml:12: agent.watch.polling_intervall: unknown key (did you mean 'polling_interval'?)} */
  public String render() {
    return file + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + message
        + (hint == null ? "" : " (" + hint + ")");
  }
}
