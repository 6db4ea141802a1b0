package io.dso.observability;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The structured audit log: one JSON object per line, the eight contract keys always present and
 * in a fixed order. A single dedicated writer thread owns the output; {@link #record} returns once
 * its line is written and flushed, so an interrupted caller can neither lose its record nor close
 * the log for everybody else. Writes are group commits: the writer takes everything queued while
 * the previous fsync ran, writes it in order and fsyncs once for the whole batch. A file log
 * follows its path: {@link #reopen} (SIGHUP) or a rename of the file noticed before the next batch
 * makes later records land in a new file at the original path (logrotate).
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final JsonFactory JSON = new ObjectMapper().getFactory();

  private final Clock clock;
  private final Redactor redactor;
  private final AuditSink sink;
  private final CopyOnWriteArrayList<Consumer<Map<String, Object>>> listeners =
      new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Object lifecycle = new Object();
  private boolean closed;
  /** Writer thread only: a failed reopen after a move is logged once, not once per batch. */
  private boolean reopenFailing;

  /** One line on its way to the sink; {@code done} is counted down once it is durable (or failed). */
  private static final class Pending {
    final byte[] line;
    final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    volatile IOException error;

    Pending(byte[] line) {
      this.line = line;
    }
  }

  private static final Pending END = new Pending(new byte[0]);
  /** The line of a reopen request (compared by identity, never written). */
  private static final byte[] REOPEN = new byte[0];

  private AuditLog(Clock clock, Redactor redactor, AuditSink sink) {
    this.clock = clock;
    this.redactor = redactor;
    this.sink = sink;
    // A platform thread nobody else holds: it is never interrupted, so the file stays open.
    this.writer = Thread.ofPlatform().name("audit-writer").daemon(true).start(this::writeLoop);
  }

  /** Audit records on standard output, for journald and Docker logging drivers. */
  public static AuditLog toStream(OutputStream out, Clock clock, Redactor redactor) {
    return new AuditLog(clock, redactor, AuditSink.stream(out));
  }

  /**
   * Audit records appended to a file, created with mode 0600 in one step; a symbolic link at
   * {@code path} is refused (the log could otherwise be pointed at any file the agent may write).
   */
  public static AuditLog toFile(Path path, Clock clock, Redactor redactor) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (Files.isSymbolicLink(path)) {
        throw new io.dso.DsoException("cannot open audit log " + path + ": it is a symbolic link; the agent refuses to"
            + " follow one (point --audit-log at a regular file)");
      }
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new io.dso.DsoException("cannot open audit log " + path + ": it is not a regular file; point --audit-log"
            + " at a file or omit it to log to stdout");
      }
      return new AuditLog(clock, redactor, AuditSink.file(path));
    } catch (IOException e) {
      throw new io.dso.DsoException(
          "cannot open audit log "
              + path
              + ": "
              + e.getMessage()
              + "; choose a writable path with --audit-log or omit it to log to stdout",
          e);
    }
  }

  /** An audit log on any sink (tests observe writes and fsyncs through it). */
  static AuditLog toSink(AuditSink sink, Clock clock, Redactor redactor) {
    return new AuditLog(clock, redactor, sink);
  }

  /** Records queued and not yet taken by the writer. */
  int queued() {
    return queue.size();
  }

  /** Lets the API and tests observe records as they are written (already redacted). */
  public void subscribe(Consumer<Map<String, Object>> listener) {
    listeners.add(listener);
  }

  /**
   * Writes one record and returns when it is durable. Interrupts of the caller are not honoured
   * while waiting (they are kept for the caller): the record must not be dropped half-way.
   */
  public void record(AuditEvent event) {
    Map<String, Object> fields = fields(event, clock.instant(), redactor);
    Pending p = new Pending(encode(fields));
    synchronized (lifecycle) {
      if (closed) {
        // Only a component that outlived the agent's shutdown order gets here.
        LOG.error("audit log already closed: dropped a '{}' record", event.event());
        return;
      }
      queue.add(p);
    }
    awaitUninterruptibly(p);
    if (p.error != null) {
      throw new UncheckedIOException("audit log write failed: " + p.error.getMessage(), p.error);
    }
    Map<String, Object> view = java.util.Collections.unmodifiableMap(fields);
    listeners.forEach(l -> l.accept(view));
  }

  /** The record's fields in the order they are written: the eight contract keys, then the redacted extras. */
  static Map<String, Object> fields(AuditEvent event, java.time.Instant at, Redactor redactor) {
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.MILLIS));
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    fields.put("timestamp", timestamp);
    fields.put("level", event.level());
    fields.put("event", event.event());
    fields.put("user", event.user());
    fields.put("provider", event.provider());
    fields.put("secret_name", event.secretName());
    fields.put("container_id", event.containerId());
    fields.put("status", event.status());
    event.extras().forEach((k, v) -> fields.putIfAbsent(k, v instanceof String s ? redactor.redact(s) : v));
    return fields;
  }

  private static void awaitUninterruptibly(Pending p) {
    boolean interrupted = false;
    while (true) {
      try {
        p.done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reopens a file log at its path (a stream log has nothing to reopen), after everything queued
   * before is durable in the old file; returns once done. For logrotate's {@code postrotate}
   * (SIGHUP); without it a moved file is noticed before the next batch anyway.
   */
  public void reopen() {
    Pending p = new Pending(REOPEN);
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      queue.add(p);
    }
    awaitUninterruptibly(p);
    if (p.error != null) {
      LOG.error("audit log could not be reopened (records keep going to the open file): {}", p.error.getMessage());
    }
  }

  /** Takes what is queued, writes it, makes it durable once, then releases the callers. */
  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    boolean end = false;
    while (!end) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        continue; // nobody is meant to interrupt this thread; the queue decides when it ends
      }
      queue.drainTo(batch);
      IOException error = null;
      try {
        reopenIfMoved();
        for (Pending p : batch) {
          if (p == END) {
            end = true;
          } else if (p.line == REOPEN) {
            sink.flush();
            p.error = reopen(true);
          } else {
            sink.write(p.line);
          }
        }
        sink.flush();
      } catch (IOException e) {
        error = e;
        LOG.error("audit log write failed: {}", e.getMessage());
      }
      for (Pending p : batch) {
        if (p.line != REOPEN) {
          p.error = error;
        }
        p.done.countDown();
      }
      batch.clear();
    }
  }

  private void reopenIfMoved() {
    IOException e = reopen(false);
    boolean wasFailing = reopenFailing;
    reopenFailing = e != null;
    if (e != null && !wasFailing) {
      LOG.error("audit log was moved but could not be reopened (records keep going to the moved file): {}", e.getMessage());
    }
  }

  private IOException reopen(boolean force) {
    try {
      sink.reopen(force);
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /** One JSON line, newline included. */
  static byte[] encode(Map<String, Object> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator gen = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      gen.writeStartObject();
      for (Map.Entry<String, Object> e : fields.entrySet()) {
        gen.writeFieldName(e.getKey());
        Object v = e.getValue();
        switch (v) {
          case null -> gen.writeNull();
          case Integer i -> gen.writeNumber(i);
          case Long l -> gen.writeNumber(l);
          case Double d -> gen.writeNumber(d);
          case Boolean b -> gen.writeBoolean(b);
          default -> gen.writeString(v.toString());
        }
      }
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /** Writes what is queued, then closes the output; later records are refused (and logged). */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(END);
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    try {
      sink.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
