package io.dso.provider;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a provider instance is built from: its configured name and {@code config:} block, the
 * directory relative paths resolve against (the config file's), the process environment and a clock.
 * {@code holdsValues} is the agent's {@code agent.cache}: a provider may keep parsed content between
 * calls only when it is true (with it false, no value may outlive the call that read it).
 */
public record ProviderContext(
    String name, Map<String, Object> config, Path baseDir, Map<String, String> environment, Clock clock,
    boolean holdsValues) {
  public ProviderContext {
    config = Map.copyOf(config);
    environment = Map.copyOf(environment);
  }

  /** A context for an agent that holds no values between calls (the strict default). */
  public ProviderContext(String name, Map<String, Object> config, Path baseDir, Map<String, String> environment, Clock clock) {
    this(name, config, baseDir, environment, clock, false);
  }

  /** A string config value, or {@code fallback} when absent. */
  public String string(String key, String fallback) {
    Object v = config.get(key);
    return v == null ? fallback : v.toString();
  }

  /** A path config value resolved against {@link #baseDir()} when relative. */
  public Path path(String key) {
    Object v = config.get(key);
    if (v == null) {
      throw new IllegalStateException("provider '" + name + "': config key '" + key + "' missing");
    }
    return baseDir.resolve(v.toString()).normalize();
  }
}
