package io.dso.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Compose's variable interpolation in one string: {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}}, {@code ${VAR:+other}},
 * {@code ${VAR+other}}, {@code $VAR}, and {@code $$} for a literal dollar. Nested expressions in a
 * default are kept as written.
 */
final class Interpolation {
  private Interpolation() {}

  /** One {@code $...} expression: the variable, its operator ("" for none) and the exact text. */
  record Use(String name, String operator, String text) {
    /** True when the expression stands for the variable's value ({@code :+}/{@code +} do not). */
    boolean takesValue() {
      return !operator.equals(":+") && !operator.equals("+");
    }
  }

  /** Every expression in {@code s}, in order ({@code $$} is skipped). */
  static List<Use> uses(String s) {
    List<Use> out = new ArrayList<>();
    rewrite(s, u -> {
      out.add(u);
      return null;
    });
    return out;
  }

  /**
   * {@code s} with each expression replaced by what {@code replace} gives for it; null keeps the
   * expression as written. A malformed expression (an unclosed brace) is kept as written.
   */
  static String rewrite(String s, Function<Use, String> replace) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '$' || i + 1 == s.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = s.charAt(i + 1);
      if (next == '$') {
        out.append("$$");
        i += 2;
      } else if (next == '{') {
        int end = closingBrace(s, i + 2);
        if (end < 0) {
          out.append(s, i, s.length());
          return out.toString();
        }
        String body = s.substring(i + 2, end);
        int nameEnd = nameEnd(body, 0);
        String text = s.substring(i, end + 1);
        String op = operator(body.substring(nameEnd));
        if (nameEnd == 0 || op == null) {
          out.append(text);
        } else {
          String r = replace.apply(new Use(body.substring(0, nameEnd), op, text));
          out.append(r == null ? text : r);
        }
        i = end + 1;
      } else if (Character.isLetter(next) || next == '_') {
        int end = nameEnd(s, i + 1);
        String text = s.substring(i, end);
        String r = replace.apply(new Use(text.substring(1), "", text));
        out.append(r == null ? text : r);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static int nameEnd(String s, int from) {
    int k = from;
    while (k < s.length()) {
      char ch = s.charAt(k);
      boolean ok = ch == '_' || (ch < 128 && Character.isLetterOrDigit(ch));
      if (!ok || (k == from && Character.isDigit(ch))) {
        break;
      }
      k++;
    }
    return k;
  }

  /** The operator a braced body starts with after its name, or null when the rest is not one. */
  private static String operator(String rest) {
    if (rest.isEmpty()) {
      return "";
    }
    for (String op : List.of(":-", ":?", ":+", "-", "?", "+")) {
      if (rest.startsWith(op)) {
        return op;
      }
    }
    return null;
  }

  private static int closingBrace(String s, int from) {
    int depth = 1;
    for (int k = from; k < s.length(); k++) {
      char ch = s.charAt(k);
      if (ch == '{') {
        depth++;
      } else if (ch == '}' && --depth == 0) {
        return k;
      }
    }
    return -1;
  }
}
