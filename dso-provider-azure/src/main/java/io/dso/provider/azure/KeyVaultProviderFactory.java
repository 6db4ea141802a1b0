package io.dso.provider.azure;

import io.dso.provider.ConfigKeys;
import io.dso.provider.ProviderContext;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code azure} provider type: secrets from Azure Key Vault, loaded from {@code plugins/azure/}. */
public final class KeyVaultProviderFactory implements SecretProviderFactory {
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public String type() {
    return "azure";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    List<String> problems = new ArrayList<>(ConfigKeys.check(config, Set.of(), KeyVaultSettings.KEYS));
    problems.addAll(KeyVaultSettings.problems(config));
    return problems;
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    KeyVaultSettings settings = KeyVaultSettings.from(context);
    return new KeyVaultProvider(context.name(), settings, KeyVaultClients.secretClient(context.name(), settings, null),
        context.clock());
  }
}
