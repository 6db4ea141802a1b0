package io.dso.notify;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery queue of one destination, off the audit writer's path: a bounded queue (the oldest
 * body is dropped, counted and warned about when full) emptied by one virtual thread that sends with
 * retries. A slow destination therefore never holds up another. {@link #close} drains for at most
 * {@link #DRAIN}, then gives up on what is left.
 */
final class Delivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
  static final int CAPACITY = 256;
  static final Duration DRAIN = Duration.ofSeconds(1);

  /** One body on its way, with the event it carries (for log lines). */
  private record Job(String event, byte[] body) {}

  private final Sender sender;
  private final ArrayBlockingQueue<Job> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopping;

  Delivery(Sender sender) {
    this.sender = sender;
    this.thread = Thread.ofVirtual().name("notify-" + sender.destination().name()).start(this::run);
  }

  String name() {
    return sender.destination().name();
  }

  /** Queues a body; never blocks. When full, the oldest queued body makes room. */
  void offer(String event, byte[] body) {
    if (stopping) {
      return;
    }
    Job job = new Job(event, body);
    while (!queue.offer(job)) {
      Job oldest = queue.poll();
      if (oldest != null) {
        long n = dropped.incrementAndGet();
        LOG.warn("notification destination '{}': queue full ({} waiting), dropped the oldest '{}' notification ({} dropped"
            + " so far); the destination is slower than the events", name(), CAPACITY, oldest.event(), n);
      }
    }
  }

  long dropped() {
    return dropped.get();
  }

  long delivered() {
    return delivered.get();
  }

  long failed() {
    return failed.get();
  }

  private void run() {
    while (!stopping || !queue.isEmpty()) {
      Job job;
      try {
        job = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (job == null) {
        continue;
      }
      try {
        Sender.Outcome o = sender.withRetries(job.body(), () -> stopping);
        if (o.delivered()) {
          delivered.incrementAndGet();
        } else {
          failed.incrementAndGet();
          LOG.warn("notification destination '{}': gave up on a '{}' notification after {} attempt(s): {}",
              name(), job.event(), o.attempts(), o.last().problem());
        }
      } catch (RuntimeException e) {
        failed.incrementAndGet(); // never lose the sender thread to one bad body
        LOG.warn("notification destination '{}': a '{}' notification failed: {}", name(), job.event(), e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        failed.incrementAndGet();
        LOG.warn("notification destination '{}': a '{}' notification was not sent: the agent is stopping", name(), job.event());
        break;
      }
    }
    int left = queue.size();
    if (left > 0) {
      LOG.warn("notification destination '{}': {} notification(s) not sent: the agent stopped first", name(), left);
    }
  }

  /** Stops taking new bodies; what is queued is still sent until {@link #awaitStopped}'s deadline. */
  void stop() {
    stopping = true;
  }

  /** Waits until the queue is sent or {@code deadlineNanos} (System.nanoTime) passes, then cuts it short. */
  void awaitStopped(long deadlineNanos) {
    stopping = true;
    try {
      if (!thread.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())))) {
        thread.interrupt();
        thread.join(Duration.ofMillis(100));
      }
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    awaitStopped(System.nanoTime() + DRAIN.toNanos());
  }
}
