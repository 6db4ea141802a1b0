package io.dso.provider.local;

import io.dso.provider.ConfigKeys;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderLimits;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code local} provider: one JSON file {@code {"name": {"KEY": "value"}}}, for development and CI. */
public final class LocalProviderFactory implements SecretProviderFactory {
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /** Reads of a local file are not rate-limited like a cloud API. */
  @Override
  public ProviderLimits defaultLimits() {
    return ProviderLimits.LOCAL;
  }

  @Override
  public String type() {
    return "local";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    return ConfigKeys.check(config, Set.of("path"), Set.of());
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    return new LocalProvider(context.name(), context.path("path"), context.holdsValues());
  }
}
