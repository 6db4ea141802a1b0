package io.dso.observability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Where the audit writer thread puts its lines: a stream, or a file it fsyncs after each batch. */
interface AuditSink {
  void write(byte[] line) throws IOException;

  /** Makes everything written so far durable. */
  void flush() throws IOException;

  void close() throws IOException;

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
    OutputStream out = Channels.newOutputStream(channel);
    return new AuditSink() {
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
    };
  }

}
