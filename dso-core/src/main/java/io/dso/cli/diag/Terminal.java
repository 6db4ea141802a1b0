package io.dso.cli.diag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * How diagnostics print: colour only when stdout is a terminal (and {@code NO_COLOR} is unset),
 * JSON through one mapper, durations and times in short human form.
 */
public final class Terminal {
  static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final boolean colour;

  public Terminal(boolean colour) {
    this.colour = colour;
  }

  /** Colour when stdout is an interactive terminal and {@code NO_COLOR} is not set. */
  public static Terminal detect() {
    return new Terminal(interactive() && System.getenv("NO_COLOR") == null);
  }

  /** Whether stdout is a terminal; JDK 22+ has a console even when redirected, so ask it when we can. */
  public static boolean interactive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only for a terminal
    }
  }

  public boolean colour() {
    return colour;
  }

  public String green(String s) {
    return paint("32", s);
  }

  public String yellow(String s) {
    return paint("33", s);
  }

  public String red(String s) {
    return paint("31", s);
  }

  public String bold(String s) {
    return paint("1", s);
  }

  private String paint(String code, String s) {
    return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }

  /** Pretty JSON, one document. */
  static void printJson(PrintWriter out, Object value) throws java.io.IOException {
    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    out.flush();
  }

  /** {@code 45s}, {@code 3m12s}, {@code 2h05m}, {@code 4d03h}; {@code -} for null. */
  public static String duration(Long seconds) {
    if (seconds == null) {
      return "-";
    }
    long s = Math.max(0, seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format("%dd%02dh", s / 86_400, (s % 86_400) / 3600);
  }

  /** {@code 12s ago} for an ISO instant, relative to {@code now}; {@code -} for null or unparsable. */
  public static String ago(String iso, Instant now) {
    if (iso == null || iso.isEmpty() || iso.equals("null")) {
      return "-";
    }
    try {
      return duration(Duration.between(Instant.parse(iso), now).toSeconds()) + " ago";
    } catch (java.time.format.DateTimeParseException e) {
      return iso;
    }
  }
}
