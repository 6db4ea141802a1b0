package io.dso.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Provider types as the tests know them: local needs path, file needs dir, env takes an optional prefix. */
final class StubProviderTypes implements ProviderTypes {
  private static final Map<String, List<String>> REQUIRED =
      Map.of("local", List.of("path"), "env", List.of(), "file", List.of("dir"), "vault", List.of(), "aws", List.of());

  @Override
  public boolean known(String type) {
    return REQUIRED.containsKey(type);
  }

  @Override
  public Set<String> knownTypes() {
    return REQUIRED.keySet();
  }

  @Override
  public List<String> validate(String type, Map<String, Object> config) {
    List<String> problems = new ArrayList<>();
    for (String key : REQUIRED.get(type)) {
      if (!config.containsKey(key)) {
        problems.add("missing required key '" + key + "'");
      }
    }
    if (type.equals("env") && config.containsKey("prefix") && !(config.get("prefix") instanceof String)) {
      problems.add("'prefix' must be a string");
    }
    return problems;
  }
}
