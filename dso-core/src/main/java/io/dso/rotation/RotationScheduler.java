package io.dso.rotation;

import io.dso.rotation.RotationEngine.Reason;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When rotations run: at most {@code max_parallel} at once and exactly one per container name, also
 * while containers of that name are destroyed and created again; a request during a container's
 * rotation queues one follow-up. On stop no new work starts and running work is waited for, bounded.
 */
final class RotationScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(RotationScheduler.class);
  private static final int MAX_SLOT_RACES = 1_000;

  /** The work done for one container; runs while the container's slot is held. */
  interface Work {
    void run(String name, Reason reason) throws InterruptedException;
  }

  /** Per-container state: whether work runs, whether more was asked for, whether the slot was dropped. */
  private static final class Slot {
    boolean running;
    Reason pending;
    boolean dropped;
  }

  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Semaphore parallel;
  private final ExecutorService executor;
  private final Work work;
  private final AtomicInteger held = new AtomicInteger();
  private volatile boolean stopping;

  RotationScheduler(int maxParallel, ExecutorService executor, Work work) {
    this.parallel = new Semaphore(maxParallel);
    this.executor = executor;
    this.work = work;
  }

  /** Asks for work on {@code name}; the future ends when this request is served (at once if coalesced). */
  Future<?> request(String name, Reason reason) {
    for (int race = 0; race < MAX_SLOT_RACES; race++) {
      if (stopping) {
        return CompletableFuture.completedFuture(null);
      }
      Slot slot = slots.computeIfAbsent(name, n -> new Slot());
      synchronized (slot) {
        if (slot.dropped) {
          continue; // forgotten between lookup and lock: a fresh slot takes its place
        }
        if (slot.running) {
          // Coalesce: one follow-up, for the strongest reason asked.
          slot.pending = slot.pending == null || outranks(reason, slot.pending) ? reason : slot.pending;
          return CompletableFuture.completedFuture(null);
        }
        slot.running = true;
        held.incrementAndGet();
      }
      try {
        return executor.submit(() -> drain(name, slot, reason));
      } catch (RejectedExecutionException e) {
        release(slot);
        return CompletableFuture.completedFuture(null);
      }
    }
    throw new IllegalStateException("container " + name + ": slot kept vanishing under " + MAX_SLOT_RACES + " requests");
  }

  /** Takes {@code name}'s slot for the caller (crash recovery) when no work holds it; false otherwise. */
  boolean tryHold(String name) {
    for (int race = 0; race < MAX_SLOT_RACES; race++) {
      if (stopping) {
        return false;
      }
      Slot slot = slots.computeIfAbsent(name, n -> new Slot());
      synchronized (slot) {
        if (slot.dropped) {
          continue;
        }
        if (slot.running) {
          return false;
        }
        slot.running = true;
        held.incrementAndGet();
        return true;
      }
    }
    return false;
  }

  /** Gives back a slot taken with {@link #tryHold}; a follow-up asked for meanwhile starts now. */
  void release(String name) {
    Slot slot = slots.get(name);
    if (slot == null) {
      return;
    }
    Reason next;
    synchronized (slot) {
      if (!slot.running) {
        return;
      }
      next = stopping ? null : slot.pending;
      slot.pending = null;
      if (next == null) {
        slot.running = false;
        held.decrementAndGet();
        return;
      }
    }
    Reason first = next;
    try {
      executor.submit(() -> drain(name, slot, first));
    } catch (RejectedExecutionException e) {
      release(slot);
    }
  }

  /** Drops the state of a removed container; a slot in use stays until its work ends. */
  void forget(String name) {
    slots.computeIfPresent(name, (n, slot) -> {
      synchronized (slot) {
        if (slot.running) {
          return slot;
        }
        slot.dropped = true;
        return null;
      }
    });
  }

  boolean busy(String name) {
    Slot slot = slots.get(name);
    if (slot == null) {
      return false;
    }
    synchronized (slot) {
      return slot.running;
    }
  }

  int size() {
    return slots.size();
  }

  private void drain(String name, Slot slot, Reason first) {
    Reason reason = first;
    while (true) {
      if (stopping) {
        release(slot);
        return;
      }
      try {
        parallel.acquire();
        try {
          work.run(name, reason);
        } finally {
          parallel.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        release(slot);
        return;
      } catch (RuntimeException e) {
        // the work logs its own (redacted) errors; a message here could carry anything
        LOG.error("container {}: rotation work failed unexpectedly ({})", name, e.getClass().getSimpleName());
      }
      synchronized (slot) {
        if (slot.pending == null || stopping) {
          slot.pending = null;
          slot.running = false;
          held.decrementAndGet();
          return;
        }
        reason = slot.pending;
        slot.pending = null;
      }
    }
  }

  private void release(Slot slot) {
    synchronized (slot) {
      if (slot.running) {
        slot.running = false;
        slot.pending = null;
        held.decrementAndGet();
      }
    }
  }

  /**
   * Starts no more work, waits up to {@code drain} for running work to end, then runs {@code abort}
   * and waits up to {@code afterAbort} more. True when nothing runs any longer.
   */
  boolean stop(Duration drain, Runnable abort, Duration afterAbort) throws InterruptedException {
    stopping = true;
    if (awaitIdle(drain)) {
      return true;
    }
    LOG.warn("{} rotation(s) still running after the shutdown timeout of {} s: rolling them back", held.get(), drain.toSeconds());
    abort.run();
    return awaitIdle(afterAbort);
  }

  boolean stopping() {
    return stopping;
  }

  int running() {
    return held.get();
  }

  private boolean awaitIdle(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (held.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** CHANGE > RETRY > CONTAINER: a container event must not mask a change or a due retry. */
  private static boolean outranks(Reason a, Reason b) {
    return rank(a) > rank(b);
  }

  private static int rank(Reason r) {
    return switch (r) {
      case CHANGE -> 2;
      case RETRY -> 1;
      case CONTAINER -> 0;
    };
  }
}
