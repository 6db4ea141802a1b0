package io.dso.provider;

import java.util.List;
import java.util.Map;

/**
 * Service-loaded entry point of a provider type ({@code local}, {@code vault}, ...). Validation is
 * separate from creation so that {@code dso validate} can check a config without any I/O.
 */
public interface SecretProviderFactory {
  /** The {@code type:} value in dso.yaml. */
  String type();

  /** Problems with a provider's {@code config:} block, as human sentences; empty when valid. */
  List<String> validate(Map<String, Object> config);

  SecretProvider create(ProviderContext context);
}
