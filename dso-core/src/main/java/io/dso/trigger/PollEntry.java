package io.dso.trigger;

import io.dso.config.SecretSpec;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * One secret's place in the poll schedule: its interval, whether its first fetch is still to come,
 * and whether it waits in the schedule. It is either in the schedule or in its provider's lane, never
 * both, so one worker at a time owns its interval. Waking it early adds a newer {@link Ticket}; the
 * older one is then stale and ignored when it comes due.
 */
final class PollEntry {
  private final SecretSpec spec;
  private final AdaptiveInterval interval;
  private boolean first = true;
  private long seq;
  private boolean scheduled;

  /** One place in the delay queue; only the newest ticket of an entry counts. */
  record Ticket(PollEntry entry, long seq, long dueNanos) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return o instanceof Ticket t ? Long.compare(dueNanos, t.dueNanos)
          : Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  PollEntry(SecretSpec spec, AdaptiveInterval interval) {
    this.spec = spec;
    this.interval = interval;
  }

  SecretSpec spec() {
    return spec;
  }

  AdaptiveInterval interval() {
    return interval;
  }

  boolean first() {
    return first;
  }

  void fetched() {
    first = false;
  }

  /** A ticket for the schedule, due at {@code nanoTime}; the entry counts as waiting from now. */
  synchronized Ticket scheduleAt(long nanoTime) {
    scheduled = true;
    return new Ticket(this, ++seq, nanoTime);
  }

  /** A ticket due now if the entry waits in the schedule (its older ticket goes stale), else null. */
  synchronized Ticket wake() {
    return scheduled ? new Ticket(this, ++seq, System.nanoTime()) : null;
  }

  /** Whether {@code t} is the entry's newest ticket; if so the entry leaves the schedule. */
  synchronized boolean claim(Ticket t) {
    if (!scheduled || t.seq() != seq) {
      return false;
    }
    scheduled = false;
    return true;
  }
}
