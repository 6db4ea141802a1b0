package io.dso.observability;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %safeMsg}: the formatted message after {@link LogSafety#message}, so that no
 * caller can forget redaction or escaping: it happens once, for every line, in the layout.
 */
public final class SafeMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return LogSafety.message(event.getFormattedMessage());
  }
}
