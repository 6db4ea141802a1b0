package io.dso.provider;

import io.dso.config.DsoConfig;
import io.dso.config.ProviderSpec;
import io.dso.LogText;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured provider instances by name, each wrapped with its timeout and retry policy. A
 * provider that cannot be created stays registered and fails every fetch with the reason, so its
 * errors are counted and audited like any other.
 */
public final class ProviderRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private final Map<String, SecretProvider> providers;

  private ProviderRegistry(Map<String, SecretProvider> providers) {
    this.providers = providers;
  }

  public static ProviderRegistry open(
      DsoConfig config,
      ProviderCatalog catalog,
      Map<String, String> environment,
      Clock clock,
      ExecutorService executor,
      ResilientProvider.Sleeper sleeper) {
    Path base = config.source() == null ? Path.of("").toAbsolutePath() : config.source().toAbsolutePath().getParent();
    Map<String, SecretProvider> built = new LinkedHashMap<>();
    for (ProviderSpec spec : config.providers().values()) {
      SecretProvider raw;
      try {
        raw = catalog.factory(spec.type())
            .create(new ProviderContext(spec.name(), spec.config(), base, environment, clock, config.agent().cache()));
      } catch (RuntimeException | LinkageError | java.util.ServiceConfigurationError e) {
        // A plugin's message is foreign text: escaped and capped here, as the log layout and the
        // audit path redact it (this reason is the error of every fetch from this provider).
        // LinkageError: a plugin missing one of its jars fails here, not at discovery; it must not stop the agent.
        String reason = "provider '" + spec.name() + "' (type " + spec.type() + ", " + catalog.origin(spec.type())
            + ") could not be created: "
            + LogText.line(String.valueOf(e instanceof RuntimeException ? e.getMessage() : e.toString()));
        LOG.error("{}", reason);
        raw = ref -> {
          throw new ProviderException(spec.name(), ref.name(), false, reason);
        };
      }
      built.put(
          spec.name(),
          new ResilientProvider(raw, spec.name(), spec.retry(), spec.timeout(), executor, sleeper, RandomGenerator.getDefault()));
    }
    return new ProviderRegistry(built);
  }

  public SecretProvider get(String name) {
    SecretProvider p = providers.get(name);
    if (p == null) {
      throw new ProviderException(name, null, false, "no provider named '" + name + "' is configured");
    }
    return p;
  }

  public java.util.Set<String> names() {
    return providers.keySet();
  }

  @Override
  public void close() {
    providers.forEach(
        (name, p) -> {
          try {
            p.close();
          } catch (RuntimeException | LinkageError e) {
            LOG.warn("closing provider '{}' failed: {}", name, e.getMessage());
          }
        });
  }
}
