package io.dso.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** The parts of a Compose service that migration reads: {@code env_file} and {@code environment}. */
final class ComposeServices {
  private ComposeServices() {}

  /** One {@code env_file} entry: short form (a string) or long form ({@code {path, required}}). */
  record EnvFileRef(String path, boolean required) {}

  /** Calls {@code action} for each service (name, body) in file order; bodies that are not mappings are skipped. */
  @SuppressWarnings("unchecked")
  static void each(Map<String, Object> compose, BiConsumer<String, Map<String, Object>> action) {
    if (compose.get("services") instanceof Map<?, ?> services) {
      for (Map.Entry<?, ?> e : services.entrySet()) {
        if (e.getValue() instanceof Map<?, ?> body) {
          action.accept(String.valueOf(e.getKey()), (Map<String, Object>) body);
        }
      }
    }
  }

  /** The service's {@code env_file} entries in order: a string, a list of strings, or a list of {@code {path, required}}. */
  static List<EnvFileRef> envFiles(String service, Map<String, Object> body) {
    Object v = body.get("env_file");
    List<EnvFileRef> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    List<?> items = v instanceof List<?> l ? l : List.of(v);
    for (Object item : items) {
      if (item instanceof String s) {
        out.add(new EnvFileRef(s, true));
      } else if (item instanceof Map<?, ?> m && m.get("path") instanceof String path) {
        out.add(new EnvFileRef(path, !Boolean.FALSE.equals(m.get("required"))));
      } else {
        throw new MigrateException("service " + service
            + ": env_file entries are a path or {path, required}; fix the Compose file");
      }
    }
    return out;
  }

  /**
   * The service's {@code environment} as name to raw value (null when the entry has no value), from
   * either the map or the list form.
   */
  static Map<String, String> environment(Map<String, Object> body) {
    Map<String, String> out = new LinkedHashMap<>();
    Object env = body.get("environment");
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
    } else if (env instanceof List<?> l) {
      for (Object item : l) {
        String s = String.valueOf(item);
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return out;
  }
}
