package io.dso.trigger;

import io.dso.config.SecretSpec;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * One secret's place in the poll schedule: its interval, whether its first fetch is still to come,
 * and when it is due. It sits either in the schedule or in its provider's lane, never both, so one
 * worker at a time owns its interval.
 */
final class PollEntry implements Delayed {
  private final SecretSpec spec;
  private final AdaptiveInterval interval;
  private boolean first = true;
  private long dueNanos;

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

  PollEntry dueAt(long nanoTime) {
    this.dueNanos = nanoTime;
    return this;
  }

  @Override
  public long getDelay(TimeUnit unit) {
    return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  @Override
  public int compareTo(Delayed o) {
    return o instanceof PollEntry e ? Long.compare(dueNanos, e.dueNanos)
        : Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
  }
}
