package io.dso.observability;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import io.dso.LogText;

/**
 * Logback's {@code %safeEx}: a logged exception as its class and message (redacted, escaped,
 * capped) and at most {@value #MAX_FRAMES} frames per cause; every printed line starts with a tab
 * so that an exception message can never pass for a log line of its own.
 */
public final class SafeThrowableConverter extends ThrowableHandlingConverter {
  private static final int MAX_FRAMES = 40;
  private static final int MAX_CAUSES = 8;

  @Override
  public String convert(ILoggingEvent event) {
    return render(event.getThrowableProxy());
  }

  /** A stack trace for {@code --debug} output outside logging, in the same safe form. */
  public static String render(Throwable t) {
    return render(t == null ? null : new ThrowableProxy(t));
  }

  private static String render(IThrowableProxy t) {
    if (t == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      b.append('\t').append(depth == 0 ? "" : "caused by ").append(t.getClassName());
      if (t.getMessage() != null) {
        b.append(": ").append(LogSafety.message(t.getMessage()));
      }
      b.append(System.lineSeparator());
      StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
      for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
        b.append("\t  at ").append(LogText.escape(frames[i].getStackTraceElement().toString()))
            .append(System.lineSeparator());
      }
      if (frames.length > MAX_FRAMES) {
        b.append("\t  ... ").append(frames.length - MAX_FRAMES).append(" more").append(System.lineSeparator());
      }
    }
    return b.toString();
  }
}
