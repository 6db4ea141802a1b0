package io.dso.cli.compose;

import io.dso.DsoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's {@code $} interpolation, applied to the variables that hold references before they are
 * planned: the rendered value reaches Compose through a {@code ${DSO_...}} carrier that Compose does
 * not interpolate again, so {@code ${HOST}} or {@code $$} next to a reference must be resolved here,
 * from the process environment and the project's {@code .env}, as Compose would.
 */
final class ComposeInterpolation {
  private static final Pattern VAR = Pattern.compile(
      "\\$(?:\\$|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

  private final Map<String, String> vars;

  private ComposeInterpolation(Map<String, String> vars) {
    this.vars = vars;
  }

  /** The process environment over the project directory's {@code .env} (the environment wins, as in Compose). */
  static ComposeInterpolation forProject(Path directory, Map<String, String> env) {
    Map<String, String> vars = new HashMap<>(dotEnv(directory.resolve(".env")));
    vars.putAll(env);
    return new ComposeInterpolation(vars);
  }

  static ComposeInterpolation of(Map<String, String> vars) {
    return new ComposeInterpolation(Map.copyOf(vars));
  }

  /** {@code text} with {@code $$}, {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-d}}, {@code ${VAR-d}}, {@code ${VAR:?e}}, {@code ${VAR?e}} resolved. */
  String apply(String text, String where) {
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else if (m.group(4) != null) {
        replacement = vars.getOrDefault(m.group(4), "");
      } else {
        String name = m.group(1);
        String op = m.group(2);
        String arg = m.group(3);
        String value = vars.get(name);
        boolean unset = op != null && op.startsWith(":") ? value == null || value.isEmpty() : value == null;
        if (op == null) {
          replacement = value == null ? "" : value;
        } else if (op.endsWith("-")) {
          replacement = unset ? arg : value;
        } else if (unset) {
          throw new DsoException(where + ": required variable " + name + " is missing a value: " + arg
              + "; set " + name + " in the environment or in .env");
        } else {
          replacement = value;
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code KEY=VALUE} lines; {@code #} comments, blank lines, {@code export } and one level of quotes. */
  private static Map<String, String> dotEnv(Path file) {
    Map<String, String> out = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        if (l.startsWith("export ")) {
          l = l.substring(7).strip();
        }
        int eq = l.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String value = l.substring(eq + 1).strip();
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
            && value.charAt(value.length() - 1) == value.charAt(0)) {
          value = value.substring(1, value.length() - 1);
        }
        out.put(l.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      throw new DsoException("cannot read " + file + ": " + e.getMessage() + "; Compose reads it too: fix its permissions");
    }
    return out;
  }
}
