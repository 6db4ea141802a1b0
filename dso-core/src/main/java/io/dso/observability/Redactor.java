package io.dso.observability;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defence in depth for text that leaves the agent (audit {@code error} fields, API errors): every
 * secret value the agent holds is replaced by {@code [REDACTED]}. Messages are written not to
 * contain values in the first place; this catches what a library put into an exception message.
 */
public final class Redactor {
  /** Shorter values would mangle ordinary words; they are never quoted by our own messages. */
  static final int MIN_LENGTH = 4;

  private static final String MASK = "[REDACTED]";

  private final Set<String> values = ConcurrentHashMap.newKeySet();

  public void remember(Iterable<String> secretValues) {
    for (String v : secretValues) {
      if (v != null && v.length() >= MIN_LENGTH) {
        values.add(v);
      }
    }
  }

  public void forgetAll() {
    values.clear();
  }

  public String redact(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String result = text;
    // Longest first, so that a value containing another is masked whole.
    List<String> ordered =
        values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    for (String v : ordered) {
      if (result.contains(v)) {
        result = result.replace(v, MASK);
      }
    }
    return result;
  }
}
