package io.dso.observability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Where the audit writer thread puts its lines: a stream, or a file it fsyncs after each batch. */
interface AuditSink {
  void write(byte[] line) throws IOException;

  /** Makes everything written so far durable. */
  void flush() throws IOException;

  void close() throws IOException;

  /**
   * Makes sure later lines land in the file now at the configured path: reopens when {@code force}
   * or when the open file was moved or removed (logrotate). A stream has nothing to reopen.
   */
  default void reopen(boolean force) throws IOException {}

  static AuditSink stream(OutputStream out) {
    return new AuditSink() {
      @Override
      public void write(byte[] line) throws IOException {
        out.write(line);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  /**
   * Opens (or creates, with mode 0600 in the same call) {@code path} for appending without
   * following a symbolic link. Only the audit writer thread uses the channel and nobody interrupts
   * it, so the channel's close-on-interrupt never fires.
   */
  static AuditSink file(Path path) throws IOException {
    return new FileSink(path);
  }

  /** An append-only audit file that follows its path: after a rename the next batch opens a new file. */
  final class FileSink implements AuditSink {
    private final Path path;
    private FileChannel channel;
    private OutputStream out;
    private Object fileKey;

    FileSink(Path path) throws IOException {
      this.path = path;
      open();
    }

    private void open() throws IOException {
      channel = openChannel(path);
      out = Channels.newOutputStream(channel);
      fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    @Override
    public void write(byte[] line) throws IOException {
      out.write(line);
    }

    @Override
    public void flush() throws IOException {
      channel.force(false);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }

    @Override
    public void reopen(boolean force) throws IOException {
      if (!force && !moved()) {
        return;
      }
      FileChannel old = channel;
      open(); // on failure the old file stays in use: records still land somewhere durable
      old.force(false);
      old.close();
    }

    private boolean moved() {
      try {
        Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return now == null || !now.equals(fileKey);
      } catch (IOException e) {
        return true; // gone (renamed away, deleted): a new file at the path
      }
    }
  }

  private static FileChannel openChannel(Path path) throws IOException {
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    FileChannel channel = FileChannel.open(path,
        Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(ownerOnly));
    try {
      if (!Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(ownerOnly)) {
        // an existing log may have been created with a laxer umask: audit records are for its owner only
        Files.setPosixFilePermissions(path, ownerOnly);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

}
