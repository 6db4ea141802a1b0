package io.dso.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One configured provider instance. {@code config} holds plain Java values (String, Integer, Long,
 * Double, Boolean, List, Map) in YAML order with {@code ${VAR}} already expanded; relative paths in it
 * are left for the provider to resolve against the config file's directory. {@code rateLimit} overrides
 * the provider type's default limits where a field is set.
 */
public record ProviderSpec(
    String name,
    String type,
    Map<String, Object> config,
    RetrySettings retry,
    Duration timeout,
    int line,
    RateLimitSettings rateLimit) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public ProviderSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    config = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(config, "config")));
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(timeout, "timeout");
    rateLimit = rateLimit == null ? RateLimitSettings.DEFAULT : rateLimit;
  }

  /** A provider with its type's default limits. */
  public ProviderSpec(String name, String type, Map<String, Object> config, RetrySettings retry, Duration timeout, int line) {
    this(name, type, config, retry, timeout, line, RateLimitSettings.DEFAULT);
  }

  /** Holds every value except the config block, whose values may be credentials. */
  @Override
  public String toString() {
    return "ProviderSpec[name=" + name + ", type=" + type + ", configKeys=" + config.keySet()
        + ", retry=" + retry + ", timeout=" + timeout + ", line=" + line + ", rateLimit=" + rateLimit + "]";
  }
}
