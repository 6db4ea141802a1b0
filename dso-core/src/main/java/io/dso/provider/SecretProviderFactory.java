package io.dso.provider;

import java.util.List;
import java.util.Map;

/**
 * Service-loaded entry point of a provider type ({@code local}, {@code vault}, ...). Validation is
 * separate from creation so that {@code dso validate} can check a config without any I/O.
 */
public interface SecretProviderFactory {
  /**
   * The provider SPI version this agent implements. Version 2 added change tokens, batch fetches,
   * leases and retirement to {@link SecretProvider}; all of them have defaults, so a plugin built
   * against version 1 still loads.
   */
  int SPI_VERSION = 2;

  /** The oldest plugin SPI version this agent still loads. */
  int MIN_SPI_VERSION = 1;

  /**
   * The SPI version this factory was compiled against. Implement it as {@code return SPI_VERSION;}:
   * the constant is copied into the plugin at compile time, so the agent can refuse a plugin built
   * for a newer agent with a clear message instead of failing later with a linkage error.
   */
  default int spiVersion() {
    return MIN_SPI_VERSION;
  }

  /** The {@code type:} value in dso.yaml. */
  String type();

  /** Problems with a provider's {@code config:} block, as human sentences; empty when valid. */
  List<String> validate(Map<String, Object> config);

  SecretProvider create(ProviderContext context);

  /**
   * The limits the agent keeps to when calling this provider type, unless {@code rate_limit:} in
   * dso.yaml says otherwise. Override it with the backend's documented quota; the default suits a
   * remote API of unknown limits.
   */
  default ProviderLimits defaultLimits() {
    return ProviderLimits.REMOTE;
  }
}
