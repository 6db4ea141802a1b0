package io.dso.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} expansion from a given environment; {@code $$} is a
 * literal dollar. Problems name variables only, never their values.
 */
final class Expander {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The expanded text, whether anything was substituted, and problems (empty when fine). */
  record Result(String value, boolean expanded, List<String> problems) {}

  private final Map<String, String> environment;

  Expander(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  Result expand(String raw) {
    if (raw.indexOf('$') < 0) {
      return new Result(raw, false, List.of());
    }
    StringBuilder out = new StringBuilder();
    List<String> problems = new ArrayList<>();
    boolean expanded = false;
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c != '$' || i + 1 >= raw.length()) {
        out.append(c);
        i++;
      } else if (raw.charAt(i + 1) == '$') {
        out.append('$');
        expanded = true;
        i += 2;
      } else if (raw.charAt(i + 1) == '{') {
        int close = raw.indexOf('}', i + 2);
        if (close < 0) {
          problems.add("unterminated '${'; close it with '}' or write $$ for a literal dollar");
          break;
        }
        String body = raw.substring(i + 2, close);
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!NAME.matcher(name).matches()) {
          problems.add("a '${...}' here does not name an environment variable; use ${NAME} or "
              + "${NAME:-default} with NAME made of letters, digits and _, or $$ for a literal dollar");
        } else {
          String value = environment.get(name);
          if (sep >= 0 && (value == null || value.isEmpty())) {
            value = body.substring(sep + 2);
          }
          if (value == null) {
            problems.add("environment variable " + name + " is not set; export it or write ${"
                + name + ":-default}");
          } else {
            out.append(value);
          }
        }
        expanded = true;
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return new Result(out.toString(), expanded, List.copyOf(problems));
  }
}
