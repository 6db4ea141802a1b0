package io.dso.observability;

import io.dso.LogText;

/**
 * The redactor the logging layer applies to every operational log line. Logback creates its
 * converters itself, so the agent hands them its redactor here once at start; until then (and in
 * commands that hold no secrets) lines are only escaped and capped.
 */
public final class LogSafety {
  private static volatile Redactor redactor;

  private LogSafety() {}

  public static void use(Redactor r) {
    redactor = r;
  }

  /** Redacts, escapes and caps one log message: the single path every stderr log line takes. */
  public static String message(String text) {
    Redactor r = redactor;
    return LogText.line(r == null ? text : r.redact(text));
  }
}
