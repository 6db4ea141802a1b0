package io.dso.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Recent audit records for {@code GET /api/events} (a ring buffer of the last {@link #RECENT}) and
 * their live fan-out to at most {@link #MAX_STREAMS} server-sent-event streams. Fed by
 * {@code AuditLog.subscribe}; it never blocks the audit writer: a stream that falls
 * {@link #BACKLOG} records behind is ended instead.
 */
final class EventFeed implements Consumer<Map<String, Object>>, AutoCloseable {
  static final int RECENT = 500;
  static final int MAX_STREAMS = 32;
  static final int BACKLOG = 1024;

  /** Marks the end of a stream: the feed closed or the reader fell too far behind. */
  static final Map<String, Object> END = Map.of();

  private final ArrayDeque<Map<String, Object>> recent = new ArrayDeque<>(RECENT);
  private final Set<Subscription> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** One live reader of the feed. */
  final class Subscription implements AutoCloseable {
    private final BlockingQueue<Map<String, Object>> queue = new ArrayBlockingQueue<>(BACKLOG + 1);

    /** The next record, null when none arrived within {@code wait}, or {@link #END}. */
    Map<String, Object> next(Duration wait) throws InterruptedException {
      return queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void offer(Map<String, Object> record) {
      if (queue.remainingCapacity() <= 1 || !queue.offer(record)) { // keep one slot for END
        end();
      }
    }

    /** Ends the stream after the records already queued. */
    void end() {
      streams.remove(this);
      if (!queue.offer(END)) {
        queue.clear(); // too far behind: drop the backlog, the reader reconnects and reads /api/events
        queue.offer(END);
      }
    }

    @Override
    public void close() {
      streams.remove(this);
    }
  }

  @Override
  public void accept(Map<String, Object> record) {
    synchronized (recent) {
      if (recent.size() == RECENT) {
        recent.removeFirst();
      }
      recent.addLast(record);
    }
    for (Subscription s : streams) {
      s.offer(record);
    }
    if ("agent_stop".equals(record.get("event"))) {
      close(); // the agent's last record: streams end after delivering it
    }
  }

  /** The newest {@code limit} records, oldest first. */
  List<Map<String, Object>> recent(int limit) {
    synchronized (recent) {
      List<Map<String, Object>> all = List.copyOf(recent);
      return all.subList(Math.max(0, all.size() - limit), all.size());
    }
  }

  /** A new live subscription, or null when {@link #MAX_STREAMS} are open or the feed is closed. */
  synchronized Subscription subscribe() {
    if (closed || streams.size() >= MAX_STREAMS) {
      return null;
    }
    Subscription s = new Subscription();
    streams.add(s);
    return s;
  }

  int streams() {
    return streams.size();
  }

  /** Ends every open stream; later subscriptions are refused. */
  @Override
  public synchronized void close() {
    closed = true;
    List.copyOf(streams).forEach(Subscription::end);
  }
}
