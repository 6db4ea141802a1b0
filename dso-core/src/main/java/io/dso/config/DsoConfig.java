package io.dso.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated dso.yaml. {@code source} is the absolute path of the file; providers resolve relative
 * paths in their config against its directory.
 */
public record DsoConfig(
    Path source,
    Map<String, ProviderSpec> providers,
    AgentSettings agent,
    Defaults defaults,
    List<SecretSpec> secrets,
    NotificationSettings notifications,
    MetricsSettings metrics) {
  public DsoConfig {
    Objects.requireNonNull(source, "source");
    providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(defaults, "defaults");
    secrets = List.copyOf(secrets);
    Objects.requireNonNull(notifications, "notifications");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** A config with the default {@code metrics:} section. */
  public DsoConfig(Path source, Map<String, ProviderSpec> providers, AgentSettings agent, Defaults defaults,
      List<SecretSpec> secrets, NotificationSettings notifications) {
    this(source, providers, agent, defaults, secrets, notifications, MetricsSettings.DEFAULT);
  }

  /** A config without notifications. */
  public DsoConfig(
      Path source, Map<String, ProviderSpec> providers, AgentSettings agent, Defaults defaults, List<SecretSpec> secrets) {
    this(source, providers, agent, defaults, secrets, NotificationSettings.NONE);
  }

  /** The secret with this logical name, if configured. */
  public Optional<SecretSpec> secret(String name) {
    return secrets.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
