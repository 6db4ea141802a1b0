package io.dso.provider.env;

import io.dso.provider.ConfigKeys;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderLimits;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code env} provider: secrets from the agent's own environment, selected by a prefix. */
public final class EnvProviderFactory implements SecretProviderFactory {
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
    return "env";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    return ConfigKeys.check(config, Set.of(), Set.of("prefix"));
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    return new EnvProvider(context.name(), context.string("prefix", "DSO_SECRET_"), context.environment());
  }
}
