package io.dso.trigger;

import io.dso.cache.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A ScheduledExecutorService driven by a {@link MutableClock}: nothing runs until the test calls
 * {@link #advance}, which moves the clock and runs every task that became due, in order.
 */
final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final MutableClock clock;
  private final List<Task<?>> tasks = new ArrayList<>();
  private boolean shutdown;

  FakeScheduler(MutableClock clock) {
    this.clock = clock;
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    final Instant due;

    Task(Callable<V> work, Instant due) {
      super(work);
      this.due = due;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due));
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  /** Moves time forward, running each task when its due time is reached. */
  void advance(Duration by) {
    Instant end = clock.instant().plus(by);
    while (true) {
      Task<?> next = tasks.stream().filter(t -> !t.isDone() && !t.due.isAfter(end))
          .min(Comparator.comparing((Task<?> t) -> t.due)).orElse(null);
      if (next == null) {
        break;
      }
      tasks.remove(next);
      if (next.due.isAfter(clock.instant())) {
        clock.set(next.due);
      }
      next.run();
    }
    clock.set(end);
  }

  long pending() {
    return tasks.stream().filter(t -> !t.isDone()).count();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return schedule(() -> {
      command.run();
      return null;
    }, delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Task<V> t = new Task<>(callable, clock.instant().plusNanos(unit.toNanos(delay)));
    tasks.add(t);
    return t;
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("not needed by the tests");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not needed by the tests");
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
