package io.dso.provider.file;

import io.dso.provider.ConfigKeys;
import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderLimits;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code file} provider: one file per secret below a directory (plain text or a JSON object). */
public final class FileProviderFactory implements SecretProviderFactory {
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
    return "file";
  }

  @Override
  public List<String> validate(Map<String, Object> config) {
    return ConfigKeys.check(config, Set.of("dir"), Set.of());
  }

  @Override
  public SecretProvider create(ProviderContext context) {
    return new FileProvider(context.name(), context.path("dir"));
  }
}
