package io.dso.localvault;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names of vault entries: {@code <project>/<path>}, segments of letters, digits, {@code _ . -}
 * separated by {@code /}, the same characters a Compose {@code dso://} reference allows, so every
 * entry can be referenced as {@code dso://<name>}.
 */
public final class VaultNames {
  /** The rule, as the CLI prints it. */
  public static final String RULE = "a vault name is <project>/<path>: two or more segments of letters, digits,"
      + " '_', '.' and '-' separated by '/' (not '.' or '..'), at most 200 characters, e.g. myapp/db_password";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+(?:/[A-Za-z0-9_.\\-]+)+");
  private static final int MAX = 200;

  private VaultNames() {}

  /** Empty when {@code name} is valid, else why not (ending with the rule). */
  public static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("the name is empty; " + RULE);
    }
    if (name.length() > MAX) {
      return Optional.of("the name has " + name.length() + " characters; " + RULE);
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of("'" + printable(name) + "' is not a valid name; " + RULE);
    }
    for (String segment : name.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("'" + name + "' has a '" + segment + "' segment; " + RULE);
      }
    }
    return Optional.empty();
  }

  /** Throws {@link IllegalArgumentException} saying the rule when {@code name} is invalid. */
  public static String require(String name) {
    problem(name).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    return name;
  }

  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints().limit(MAX).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
