package io.dso.observability;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The structured audit log: one JSON object per line, the eight contract keys always present and
 * in a fixed order, written through Jackson and flushed (and fsync'd for files) per record.
 */
public final class AuditLog implements AutoCloseable {
  private static final JsonFactory JSON = new ObjectMapper().getFactory();

  private final Clock clock;
  private final Redactor redactor;
  private final OutputStream stdout;
  private final FileChannel file;
  private final CopyOnWriteArrayList<Consumer<Map<String, Object>>> listeners =
      new CopyOnWriteArrayList<>();

  private AuditLog(Clock clock, Redactor redactor, OutputStream stdout, FileChannel file) {
    this.clock = clock;
    this.redactor = redactor;
    this.stdout = stdout;
    this.file = file;
  }

  /** Audit records on standard output, for journald and Docker logging drivers. */
  public static AuditLog toStream(OutputStream out, Clock clock, Redactor redactor) {
    return new AuditLog(clock, redactor, out, null);
  }

  /** Audit records appended to a file created with mode 0600. */
  public static AuditLog toFile(Path path, Clock clock, Redactor redactor) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!Files.exists(path)) {
        Files.createFile(
            path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        // an existing log may have been created with a laxer umask: audit records are for its owner only
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      }
      FileChannel channel =
          FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      return new AuditLog(clock, redactor, null, channel);
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

  /** Lets the API and tests observe records as they are written (already redacted). */
  public void subscribe(Consumer<Map<String, Object>> listener) {
    listeners.add(listener);
  }

  public void record(AuditEvent event) {
    String timestamp =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
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
    byte[] line = encode(fields);
    synchronized (this) {
      try {
        if (file != null) {
          ByteBuffer buffer = ByteBuffer.wrap(line);
          while (buffer.hasRemaining()) {
            file.write(buffer);
          }
          file.force(false);
        } else {
          stdout.write(line);
          stdout.flush();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("audit log write failed: " + e.getMessage(), e);
      }
    }
    Map<String, Object> view = java.util.Collections.unmodifiableMap(fields);
    listeners.forEach(l -> l.accept(view));
  }

  private static byte[] encode(Map<String, Object> fields) {
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

  @Override
  public synchronized void close() {
    try {
      if (file != null) {
        file.close();
      } else {
        stdout.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
