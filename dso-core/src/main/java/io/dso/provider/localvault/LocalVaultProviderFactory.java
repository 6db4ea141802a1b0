package io.dso.provider.localvault;

import io.dso.localvault.LocalVault;
import io.dso.provider.ConfigKeys;
import io.dso.provider.ProviderContext;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code localvault} provider: entries of the local encrypted vault ({@code dso secret set}),
 * each a secret with the single key {@code value}. Config key {@code dir} (default {@code $DSO_HOME},
 * else {@code ~/.dso}).
 */
public final class LocalVaultProviderFactory implements SecretProviderFactory {
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public String type() {
    return "localvault";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    return ConfigKeys.check(config, Set.of(), Set.of("dir"));
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    Path dir = context.config().get("dir") == null
        ? LocalVault.defaultDir(context.environment())
        : context.path("dir");
    return new LocalVaultProvider(context.name(), dir, context.environment());
  }
}
