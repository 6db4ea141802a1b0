package io.dso.config;

import io.dso.LogText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** Collects problems while the whole file is checked, so that the user sees all of them at once. */
final class Problems {
  /** Longer than an echo already cut ({@code MAX_ECHO} characters and the "...(N chars)" suffix). */
  private static final Pattern LONG_QUOTE = Pattern.compile("'([^']{" + (LogText.MAX_ECHO + 32) + ",})'");

  private final Path file;
  private final List<ConfigProblem> list = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  void add(int line, String key, String message, String hint) {
    list.add(new ConfigProblem(file, line, safe(key), safe(message), safe(hint)));
  }

  /**
   * Every problem is printed on one line whatever the file holds: control characters escaped, a
   * quoted value longer than {@link LogText#MAX_ECHO} cut with its length, the whole text capped.
   */
  static String safe(String text) {
    if (text == null) {
      return null;
    }
    String escaped = LogText.escape(text);
    String capped = LONG_QUOTE.matcher(escaped).replaceAll(
        m -> Matcher.quoteReplacement("'" + LogText.cap(m.group(1), LogText.MAX_ECHO) + "'"));
    return LogText.cap(capped, LogText.MAX_LINE);
  }

  void add(Node node, String key, String message) {
    add(line(node), key, message, null);
  }

  void add(Node node, String key, String message, String hint) {
    add(line(node), key, message, hint);
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  int size() {
    return list.size();
  }

  void throwIfAny() {
    if (!list.isEmpty()) {
      throw new ConfigException(List.copyOf(list));
    }
  }
}
