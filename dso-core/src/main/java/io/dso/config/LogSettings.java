package io.dso.config;

/**
 * The file's wish for operational logging ({@code logging: { level, format }}); either part null when not
 * written. The command line's {@code --log-level} wins over {@code level}.
 */
public record LogSettings(String level, String format) {
  public static final LogSettings NONE = new LogSettings(null, null);
}
