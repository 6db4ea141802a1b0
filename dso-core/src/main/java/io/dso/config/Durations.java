package io.dso.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as written in dso.yaml and on the command line: 500ms, 30s, 5m, 1h30m. */
public final class Durations {
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)([a-zA-Zµ]*)");
  private static final Pattern BARE_NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
  private static final String EXAMPLES = "e.g. 500ms, 30s, 5m, 1h30m";

  private Durations() {}

  /**
   * Parses a non-negative duration made of number+unit parts (units ns, us, ms, s, m, h).
   *
   * @throws IllegalArgumentException with a message that says how to write it instead
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration; write a number with a unit, " + EXAMPLES);
    }
    String s = text.strip();
    if (s.startsWith("-")) {
      throw new IllegalArgumentException(
          "negative duration '" + s + "' is not allowed; write a positive one, " + EXAMPLES);
    }
    if (BARE_NUMBER.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "duration '" + s + "' has no unit; write " + s + "s for seconds (or ms, m, h)");
    }
    Matcher m = PART.matcher(s);
    BigInteger nanos = BigInteger.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "'" + s + "' is not a duration; write a number with a unit, " + EXAMPLES);
      }
      String unit = m.group(2);
      if (unit.isEmpty() && m.end() < s.length()) {
        throw new IllegalArgumentException(
            "'" + s + "' is not a duration; write a number with a unit, " + EXAMPLES);
      }
      if (unit.isEmpty()) {
        throw new IllegalArgumentException(
            "duration '" + s + "' ends without a unit; give every number a unit, " + EXAMPLES);
      }
      Long perUnit = NANOS_PER_UNIT.get(unit);
      if (perUnit == null) {
        throw new IllegalArgumentException(
            "unknown unit '" + unit + "' in duration '" + s + "'; use ms, s, m or h (days: 24h), " + EXAMPLES);
      }
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(perUnit)).toBigInteger());
      at = m.end();
    }
    if (nanos.bitLength() > 63) {
      throw new IllegalArgumentException("duration '" + s + "' is too large");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  /** The shortest Go-style text for a duration: 0s, 500ms, 30s, 1m30s, 1h30m. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.isZero()) {
      return "0s";
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      long n = d.toNanos();
      if (n % 1_000_000 == 0) {
        return n / 1_000_000 + "ms";
      }
      return n % 1_000 == 0 ? n / 1_000 + "us" : n + "ns";
    }
    StringBuilder out = new StringBuilder();
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    BigDecimal seconds =
        BigDecimal.valueOf(d.toSecondsPart()).add(BigDecimal.valueOf(d.toNanosPart(), 9)).stripTrailingZeros();
    if (seconds.signum() > 0) {
      out.append(seconds.toPlainString()).append('s');
    }
    return out.toString();
  }
}
