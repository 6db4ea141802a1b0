package io.dso;

/**
 * Makes text from outside the agent (label values, names, config values, library messages) safe to
 * print on one line: control characters, line and paragraph separators and bidi overrides become
 * visible escapes, so no input can start a forged log line or recolour a terminal, and long input is
 * cut to a documented size with its original length.
 */
public final class LogText {
  /** Characters of one echoed value (a label, a config value) before it is cut. */
  public static final int MAX_ECHO = 200;
  /** Characters of one whole log message or error line before it is cut. */
  public static final int MAX_LINE = 4096;

  private LogText() {}

  /** One value quoted in a message: escaped and cut to {@link #MAX_ECHO} characters. */
  public static String echo(String value) {
    if (value == null) {
      return null;
    }
    String escaped = escape(value);
    // The length shown is the input's, whatever escaping added.
    return escaped.length() <= MAX_ECHO ? escaped : cut(escaped, MAX_ECHO) + "...(" + value.length() + " chars)";
  }

  /** A whole message: escaped and cut to {@link #MAX_LINE} characters. */
  public static String line(String message) {
    return cap(escape(message), MAX_LINE);
  }

  /**
   * {@code \n}, {@code \r}, {@code \t} and {@code \e} as those two-character escapes, every other C0
   * and C1 control, DEL, U+2028/U+2029 and the bidi controls as {@code \\uXXXX}. Null stays null.
   */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = firstUnsafe(text);
    if (first < 0) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\u001b' -> b.append("\\e");
        default -> {
          if (unsafe(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * The first {@code max} characters of {@code text} followed by {@code ...(N chars)} where N is
   * the full length; text within the limit is returned as it is.
   */
  public static String cap(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    return cut(text, max) + "...(" + text.length() + " chars)";
  }

  private static String cut(String text, int max) {
    // Never split a surrogate pair: half a character would print as garbage.
    return text.substring(0, Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max);
  }

  private static int firstUnsafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (unsafe(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f';
  }
}
