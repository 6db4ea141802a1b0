package io.dso.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the loader may ask about provider types without depending on the provider SPI. */
public interface ProviderTypes {
  boolean known(String type);

  Set<String> knownTypes();

  /** Human problem strings about a provider's own config block, e.g. "missing required key 'path'"; empty when fine. */
  List<String> validate(String type, Map<String, Object> config);
}
