package io.dso.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Writes {@code docker-compose.dso.yml}: the original Compose file with each secret's
 * {@code environment} interpolation replaced by its {@code dso://} reference and each secret that came
 * from an {@code env_file} set in {@code environment} (which wins over env_file in Compose). Everything
 * else, non-secret interpolations included, stays as written. A secret interpolated outside
 * {@code environment} stays as it is, with a warning: references are resolved only there.
 */
final class ComposeRewriter {
  private ComposeRewriter() {}

  /** {@code names}: variable -> ("interpolation" or "env_file:SERVICE") -> vault entry name. */
  static String rewrite(ComposeProject project, Map<String, Map<String, String>> names, String output, List<String> warnings) {
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) copy(project.compose());
    Set<String> outside = new LinkedHashSet<>();
    walk(copy, "", (path, value) -> {
      if (path.matches("services\\.[^.]+\\.environment([.\\[].*)?")) {
        return;
      }
      for (Interpolation.Use u : Interpolation.uses(value)) {
        if (u.takesValue() && names.containsKey(u.name()) && names.get(u.name()).containsKey("interpolation")) {
          outside.add(u.name() + " is used in " + path + ": dso:// references work only in environment, so it stays "
              + u.text() + " there and still needs its value from " + project.projectEnv().file());
        }
      }
    });
    warnings.addAll(outside);
    ComposeServices.each(copy, (service, body) -> {
      Object env = body.get("environment");
      List<String> added = new ArrayList<>();
      names.forEach((variable, byOrigin) -> {
        String vault = byOrigin.get("env_file:" + service);
        if (vault != null) {
          added.add(variable + "=dso://" + vault);
        }
      });
      if (env instanceof List<?> list) {
        List<Object> out = new ArrayList<>();
        for (Object item : list) {
          String s = String.valueOf(item);
          int eq = s.indexOf('=');
          String key = eq < 0 ? s : s.substring(0, eq);
          String v = eq < 0 ? null : s.substring(eq + 1);
          String r = delimited(service, key, rewriteValue(key, v, names), names, warnings);
          out.add(r == null ? item : key + "=" + r);
        }
        out.addAll(added);
        body.put("environment", out);
      } else {
        Map<String, Object> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> map) {
          map.forEach((k, v) -> {
            String r = v == null || v instanceof String
                ? delimited(service, String.valueOf(k), rewriteValue(String.valueOf(k), (String) v, names), names, warnings)
                : null;
            out.put(String.valueOf(k), r == null ? v : r);
          });
        }
        for (String a : added) {
          int eq = a.indexOf('=');
          out.put(a.substring(0, eq), a.substring(eq + 1));
        }
        if (!out.isEmpty()) {
          body.put("environment", out);
        }
      }
    });
    return "# Written by dso migrate from " + project.composeFile() + ": secret values live in the local vault,\n"
        + "# referenced as dso://" + project.name() + "/<name>. Start the stack with: dso up -f " + output + "\n"
        + ComposeYaml.write(copy);
  }

  /**
   * {@code rewritten}, or null when a reference in it would run into the text after it (a
   * {@code dso://} path ends only at a character outside letters, digits, {@code _ . - /}): such an
   * entry keeps its interpolation, with a warning.
   */
  private static String delimited(String service, String key, String rewritten,
      Map<String, Map<String, String>> names, List<String> warnings) {
    if (rewritten == null) {
      return null;
    }
    Set<String> vaultNames = new java.util.HashSet<>();
    names.values().forEach(m -> vaultNames.addAll(m.values()));
    boolean clean = io.dso.compose.EnvTemplate.parse(rewritten).references().stream()
        .allMatch(p -> vaultNames.contains(p.path()));
    if (!clean) {
      warnings.add("service " + service + ", " + key + ": a dso:// reference here would run into the text"
          + " after it, so the entry stays as written; put a character other than a letter, digit, _ . - /"
          + " after the variable, or split the value");
      return null;
    }
    return rewritten;
  }

  /** The new value of an environment entry, or null to keep it as written. */
  private static String rewriteValue(String key, String value, Map<String, Map<String, String>> names) {
    if (value == null) {
      String vault = names.getOrDefault(key, Map.of()).get("interpolation");
      return vault == null ? null : "dso://" + vault;
    }
    String r = Interpolation.rewrite(value, u -> {
      String vault = u.takesValue() ? names.getOrDefault(u.name(), Map.of()).get("interpolation") : null;
      return vault == null ? null : "dso://" + vault;
    });
    return r.equals(value) ? null : r;
  }

  /** Calls {@code action} with the path ({@code services.web.command[0]}) and text of every string scalar. */
  static void walk(Object node, String path, BiConsumer<String, String> action) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path.isEmpty() ? String.valueOf(k) : path + "." + k, action));
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        walk(l.get(i), path + "[" + i + "]", action);
      }
    } else if (node instanceof String s) {
      action.accept(path, s);
    }
  }

  /** The service a path lies in ({@code services.web.x} -> web), or null at the top level. */
  static String serviceOf(String path) {
    if (!path.startsWith("services.")) {
      return null;
    }
    String rest = path.substring("services.".length());
    int end = rest.indexOf('.');
    int bracket = rest.indexOf('[');
    if (end < 0 || (bracket >= 0 && bracket < end)) {
      end = bracket;
    }
    return end < 0 ? rest : rest.substring(0, end);
  }

  private static Object copy(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(copy(v)));
      return out;
    }
    return node;
  }
}
