package io.dso.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the daemon's container events on a virtual thread and reconnects with exponential backoff
 * (100 ms doubling to 5 s, with jitter). On a unix socket the backoff is cut short when the socket
 * file is re-created, so a restarted daemon is noticed as soon as it answers.
 */
final class EventStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  static final Set<String> ACTIONS = Set.of("create", "start", "die", "destroy", "rename");
  private static final long FIRST_MS = 100;
  private static final long CAP_MS = 5_000;
  private static final long TICK_MS = 100;
  private static final long START_TIMEOUT_S = 10;

  private final DockerClient client;
  private final BooleanSupplier ping;
  private final Path socket;
  private final Consumer<ContainerEvent> onEvent;
  private final Consumer<Boolean> onConnection;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Stream current;
  /** Daemon time of the last event delivered: a reconnect asks for events since then, skipping repeats. */
  private volatile long lastSeenNanos;
  private Boolean reported;

  /**
   * @param client a client without response timeout: the stream may be silent for hours
   * @param socket the daemon's unix socket, or null for tcp
   */
  EventStream(DockerClient client, BooleanSupplier ping, Path socket,
      Consumer<ContainerEvent> onEvent, Consumer<Boolean> onConnection) {
    this.client = client;
    this.ping = ping;
    this.socket = socket;
    this.onEvent = onEvent;
    this.onConnection = onConnection;
    this.thread = Thread.ofVirtual().name("docker-events").start(this::run);
  }

  private void run() {
    long backoff = FIRST_MS;
    try {
      while (!closed) {
        Instant attempt = Instant.now();
        boolean wasConnected = ping.getAsBoolean() && follow(since(attempt));
        if (closed) {
          return;
        }
        report(false, null);
        if (wasConnected) {
          backoff = FIRST_MS; // a stream that broke after working: retry quickly
        }
        long jittered = (long) (backoff * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        if (sleepUnlessSocketChanged(jittered)) {
          backoff = FIRST_MS;
        } else {
          backoff = Math.min(backoff * 2, CAP_MS);
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts: nothing left to do
    }
  }

  /** Events since the last one seen, else since this attempt (closes the subscribe race on connect). */
  private String since(Instant attempt) {
    long nanos = lastSeenNanos;
    if (nanos == 0) {
      return attempt.getEpochSecond() + "." + String.format("%09d", attempt.getNano());
    }
    return (nanos / 1_000_000_000L) + "." + String.format("%09d", nanos % 1_000_000_000L);
  }

  /** One connection: true when the stream was established (and has now ended). */
  private boolean follow(String since) throws InterruptedException {
    Stream stream = new Stream();
    try {
      client.eventsCmd()
          .withEventTypeFilter(EventType.CONTAINER)
          .withEventFilter(ACTIONS.toArray(String[]::new))
          .withSince(since)
          .exec(stream);
    } catch (RuntimeException e) {
      LOG.debug("docker events request failed", e);
      return false;
    }
    current = stream;
    try {
      if (!stream.started.await(START_TIMEOUT_S, TimeUnit.SECONDS) || stream.ended.getCount() == 0) {
        return false;
      }
      if (closed) {
        return true;
      }
      report(true, null);
      stream.ended.await();
      report(false, stream.error);
      return true;
    } finally {
      current = null;
      stream.close();
    }
  }

  private void report(boolean connected, Throwable cause) {
    if (reported != null && reported == connected || closed) {
      return;
    }
    reported = connected;
    if (connected) {
      LOG.info("following Docker container events");
    } else {
      LOG.warn("Docker events stream lost ({}): reconnecting with backoff",
          cause == null ? "no connection" : cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    try {
      onConnection.accept(connected);
    } catch (RuntimeException e) {
      LOG.warn("events connection listener failed", e);
    }
  }

  /** Sleeps; returns true early when the daemon's socket file appeared or was re-created. */
  private boolean sleepUnlessSocketChanged(long millis) throws InterruptedException {
    Object before = socketKey();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(TICK_MS)));
      Object now = socketKey();
      if (now != null && !now.equals(before)) {
        return true;
      }
    }
    return false;
  }

  private Object socketKey() {
    if (socket == null) {
      return null;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      // inode numbers are reused quickly on tmpfs: the creation time tells a new socket apart
      return List.of(String.valueOf(a.fileKey()), a.creationTime(), a.lastModifiedTime());
    } catch (IOException e) {
      return null;
    }
  }

  private void deliver(Event e) {
    String action = e.getAction();
    if (action == null || !ACTIONS.contains(action) || e.getType() != EventType.CONTAINER) {
      return; // health_status and exec_* arrive when a filter is lost: never pass them on
    }
    long t = e.getTimeNano() == null ? 0 : e.getTimeNano();
    if (t != 0 && t <= lastSeenNanos) {
      return; // replayed by "since" after a reconnect
    }
    lastSeenNanos = Math.max(lastSeenNanos, t);
    Map<String, String> attrs = e.getActor() == null ? null : e.getActor().getAttributes();
    String id = e.getActor() != null && e.getActor().getId() != null ? e.getActor().getId() : e.getId();
    String name = attrs == null ? null : attrs.get("name"); // the new name on rename
    try {
      onEvent.accept(new ContainerEvent(action, id, name));
    } catch (RuntimeException ex) {
      LOG.warn("container event listener failed on {} {}", action, name, ex);
    }
  }

  @Override
  public void close() {
    closed = true;
    Stream s = current;
    if (s != null) {
      s.close();
    }
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** docker-java's callback for one connection; errors after close are shutdown noise and dropped. */
  private final class Stream implements ResultCallback<Event> {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);
    volatile Throwable error;
    private volatile Closeable connection;

    @Override
    public void onStart(Closeable closeable) {
      connection = closeable;
      started.countDown();
    }

    @Override
    public void onNext(Event event) {
      if (!closed) {
        deliver(event);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      error = throwable;
      finish();
    }

    @Override
    public void onComplete() {
      finish();
    }

    private void finish() {
      ended.countDown();
      started.countDown();
    }

    @Override
    public void close() {
      Closeable c = connection;
      connection = null;
      if (c != null) {
        try {
          c.close();
        } catch (IOException e) {
          // the connection is being torn down anyway
        }
      }
    }
  }
}
