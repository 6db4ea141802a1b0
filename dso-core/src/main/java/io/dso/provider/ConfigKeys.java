package io.dso.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Checks a provider's {@code config:} block against the keys it knows; used by every factory. */
public final class ConfigKeys {
  private ConfigKeys() {}

  public static List<String> check(Map<String, Object> config, Set<String> required, Set<String> optional) {
    List<String> problems = new ArrayList<>();
    for (String key : new TreeSet<>(required)) {
      Object v = config.get(key);
      if (v == null || v.toString().isBlank()) {
        problems.add("missing required key '" + key + "'");
      }
    }
    for (String key : new TreeSet<>(config.keySet())) {
      if (!required.contains(key) && !optional.contains(key)) {
        TreeSet<String> allowed = new TreeSet<>(required);
        allowed.addAll(optional);
        problems.add("unknown key '" + key + "' (allowed: " + String.join(", ", allowed) + ")");
      }
    }
    return problems;
  }
}
