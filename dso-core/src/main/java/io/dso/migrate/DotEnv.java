package io.dso.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code .env} file read the way Docker Compose reads one: {@code export } prefixes, single quotes
 * (literal), double quotes (escapes and several lines), unquoted values with {@code  #} comments,
 * duplicate keys (the last wins). A line it cannot read is reported with its line number, never dropped
 * in silence; no value ever appears in a problem or in {@link #toString()}.
 */
public final class DotEnv {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

  /** One assignment: where it is and its value (kept out of {@link #toString()}). */
  public record Entry(String key, String value, int line) {
    @Override
    public String toString() {
      return "Entry[" + key + " at line " + line + ", " + value.length() + " chars]";
    }
  }

  /** Something worth telling the user about a line: an invalid line or a key set twice. */
  public record Problem(String file, int line, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + message;
    }
  }

  private final String file;
  private final Map<String, Entry> entries;
  private final List<Problem> problems;

  private DotEnv(String file, Map<String, Entry> entries, List<Problem> problems) {
    this.file = file;
    this.entries = entries;
    this.problems = List.copyOf(problems);
  }

  /** Parses {@code text}; {@code file} names it in problems (a path relative to the project). */
  public static DotEnv parse(String file, String text) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      int lineNo = i + 1;
      String line = lines[i].strip();
      i++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ") || line.startsWith("export\t")) {
        line = line.substring("export".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        problems.add(new Problem(file, lineNo, "not KEY=VALUE (no '='); fix or remove the line"));
        continue;
      }
      String key = line.substring(0, eq).strip();
      if (!KEY.matcher(key).matches()) {
        // The text before '=' is not echoed: on a broken line it may be part of a value.
        problems.add(new Problem(file, lineNo,
            "the text before '=' is not a variable name (letters, digits, _ . -; not starting with a digit)"));
        continue;
      }
      String rest = line.substring(eq + 1).stripLeading();
      String value;
      if (rest.startsWith("'") || rest.startsWith("\"")) {
        char quote = rest.charAt(0);
        StringBuilder raw = new StringBuilder(rest.substring(1));
        int close = closingQuote(raw, quote);
        // A quoted value may run over several lines: read on until its closing quote.
        while (close < 0 && i < lines.length) {
          raw.append('\n').append(lines[i]);
          i++;
          close = closingQuote(raw, quote);
        }
        if (close < 0) {
          problems.add(new Problem(file, lineNo, "the " + (quote == '"' ? "double" : "single")
              + " quote opened here is never closed; close it"));
          continue;
        }
        String after = raw.substring(close + 1).strip();
        if (!after.isEmpty() && !after.startsWith("#")) {
          problems.add(new Problem(file, lineNo, "unexpected text after the closing quote of " + key
              + "; put a comment after ' #' or quote the whole value"));
          continue;
        }
        String inner = raw.substring(0, close);
        value = quote == '"' ? unescape(inner) : inner;
      } else {
        value = unquoted(rest);
      }
      Entry previous = entries.remove(key);
      if (previous != null) {
        problems.add(new Problem(file, lineNo,
            key + " is set again (before: line " + previous.line() + "); the last value wins"));
      }
      entries.put(key, new Entry(key, value, lineNo));
    }
    return new DotEnv(file, entries, problems);
  }

  /** The file this was read from, relative to the project. */
  public String file() {
    return file;
  }

  /** The assignments in file order (a key set twice sits where it was last set). */
  public Map<String, Entry> entries() {
    return java.util.Collections.unmodifiableMap(entries);
  }

  public List<Problem> problems() {
    return problems;
  }

  @Override
  public String toString() {
    return "DotEnv[" + file + ", " + entries.size() + " entries]";
  }

  private static int closingQuote(CharSequence s, char quote) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (quote == '"' && c == '\\') {
        k++;
      } else if (c == quote) {
        return k;
      }
    }
    return -1;
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c != '\\' || k + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char next = s.charAt(++k);
      switch (next) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case '"', '\\', '$' -> out.append(next);
        default -> out.append('\\').append(next);
      }
    }
    return out.toString();
  }

  /** An unquoted value ends at the first {@code #} that follows a blank (Compose's inline comment). */
  private static String unquoted(String rest) {
    for (int k = 0; k < rest.length(); k++) {
      if (rest.charAt(k) == '#' && (k == 0 || Character.isWhitespace(rest.charAt(k - 1)))) {
        return rest.substring(0, k).strip();
      }
    }
    return rest.strip();
  }
}
