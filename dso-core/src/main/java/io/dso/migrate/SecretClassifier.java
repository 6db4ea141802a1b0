package io.dso.migrate;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a variable looks like a secret, from its name and its value, and says why. The
 * rules, in order:
 * <ol>
 *   <li>an empty value, or {@code true}/{@code false}/{@code yes}/{@code no}/{@code on}/{@code off},
 *       is never a secret (nothing worth protecting);
 *   <li>the name ends with {@code PASSWORD}, {@code PASSWD}, {@code PASS}, {@code TOKEN},
 *       {@code SECRET}, {@code KEY}, {@code API_KEY}, {@code PRIVATE_KEY}, {@code CREDENTIALS} or
 *       {@code CREDENTIAL} (case-insensitive, as the whole name or after {@code _});
 *       {@code *_KEY_ID} is an identifier, {@code *_PUBLIC_KEY} is public and a {@code *_FILE} name
 *       holds a path, so none of these is a secret by its name (its value may still be, by rule 4);
 *   <li>the value is a URL with a password in it ({@code scheme://user:password@host...});
 *   <li>the value looks random: at least {@value #MIN_RANDOM_LENGTH} characters, no blanks, a run of
 *       at least {@value #MIN_RANDOM_RUN} letters and digits mixing two of lower case, upper case and
 *       digits, and a Shannon entropy of at least {@value #MIN_ENTROPY} bits per character.
 * </ol>
 * Ports, host names, booleans, numbers and log levels match none of these.
 */
final class SecretClassifier {
  static final int MIN_RANDOM_LENGTH = 20;
  static final int MIN_RANDOM_RUN = 16;
  static final double MIN_ENTROPY = 3.5;

  private static final List<String> SECRET_SUFFIXES = List.of(
      "PASSWORD", "PASSWD", "PASS", "TOKEN", "SECRET", "KEY", "CREDENTIALS", "CREDENTIAL");
  private static final Pattern URL_WITH_PASSWORD =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*://[^/:@\\s]*:[^/@\\s]+@.+");
  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9]{" + MIN_RANDOM_RUN + ",}");
  private static final List<String> NOT_SECRET_VALUES =
      List.of("true", "false", "yes", "no", "on", "off");

  private SecretClassifier() {}

  /** Why {@code name=value} looks secret, or empty when it does not. */
  static Optional<String> why(String name, String value) {
    if (value.isEmpty() || NOT_SECRET_VALUES.contains(value.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    String upper = name.toUpperCase(Locale.ROOT);
    if (!upper.endsWith("_KEY_ID") && !upper.endsWith("_PUBLIC_KEY") && !upper.endsWith("_FILE")) {
      for (String suffix : SECRET_SUFFIXES) {
        if (upper.equals(suffix) || upper.endsWith("_" + suffix)) {
          return Optional.of("name ends with " + suffix);
        }
      }
    }
    if (URL_WITH_PASSWORD.matcher(value).matches()) {
      return Optional.of("URL with a password");
    }
    if (looksRandom(value)) {
      return Optional.of(String.format(Locale.ROOT, "high entropy (%.1f bits/char)", entropy(value)));
    }
    return Optional.empty();
  }

  static boolean looksRandom(String value) {
    if (value.length() < MIN_RANDOM_LENGTH || value.chars().anyMatch(Character::isWhitespace)) {
      return false;
    }
    var m = RUN.matcher(value);
    boolean mixedRun = false;
    while (m.find() && !mixedRun) {
      String run = m.group();
      int classes = (run.chars().anyMatch(Character::isLowerCase) ? 1 : 0)
          + (run.chars().anyMatch(Character::isUpperCase) ? 1 : 0)
          + (run.chars().anyMatch(Character::isDigit) ? 1 : 0);
      mixedRun = classes >= 2;
    }
    return mixedRun && entropy(value) >= MIN_ENTROPY;
  }

  /** Shannon entropy of the characters of {@code s}, in bits per character. */
  static double entropy(String s) {
    Map<Integer, Integer> counts = new HashMap<>();
    s.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
    double n = s.codePointCount(0, s.length());
    double h = 0;
    for (int count : counts.values()) {
      double p = count / n;
      h -= p * (Math.log(p) / Math.log(2));
    }
    return h;
  }
}
