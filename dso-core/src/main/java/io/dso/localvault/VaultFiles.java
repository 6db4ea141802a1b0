package io.dso.localvault;

import io.dso.localvault.VaultException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The vault's files on disk: {@code vault.lock} serialises writers across processes (a shared or
 * exclusive {@link FileChannel} lock; inside one JVM every access is serialised, because a JVM cannot
 * hold two overlapping file locks, even shared ones), and a write goes to a temporary file in the same directory that is fsync'd, renamed over
 * {@code vault.enc} and followed by an fsync of the directory. Only ciphertext ever reaches a file.
 */
final class VaultFiles {
  static final String VAULT = "vault.enc";
  static final String LOCK = "vault.lock";
  private static final FileAttribute<Set<PosixFilePermission>> MODE_600 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final Path dir;
  private final Path vault;

  VaultFiles(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.vault = this.dir.resolve(VAULT);
  }

  Path vault() {
    return vault;
  }

  /** Work done while holding the lock; may throw the vault's own exceptions. */
  interface Locked<T> {
    T run() throws IOException;
  }

  /** Runs {@code work} under the shared (readers) or exclusive (writers) lock. */
  <T> T locked(boolean exclusive, Locked<T> work) {
    ReentrantLock local = IN_PROCESS.computeIfAbsent(dir, d -> new ReentrantLock());
    local.lock();
    try (FileChannel ch = lockChannel(exclusive)) {
      // A reader that may not create the lock file (another user's read-only directory) still reads a
      // complete file: writers replace it by rename, never in place.
      FileLock held = ch == null ? null : ch.lock(0, Long.MAX_VALUE, !exclusive);
      try {
        return work.run();
      } finally {
        if (held != null) {
          held.release();
        }
      }
    } catch (IOException e) {
      throw io("use", vault, e);
    } finally {
      local.unlock();
    }
  }

  private FileChannel lockChannel(boolean exclusive) throws IOException {
    Path lock = dir.resolve(LOCK);
    try {
      return FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), MODE_600);
    } catch (AccessDeniedException e) {
      if (exclusive) {
        throw e;
      }
      return Files.isReadable(lock) ? FileChannel.open(lock, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS) : null;
    }
  }

  boolean exists() {
    return Files.exists(vault, LinkOption.NOFOLLOW_LINKS);
  }

  /** The whole file, bounded; a missing file is {@link Reason#MISSING}. */
  byte[] read() throws IOException {
    try (InputStream in = Channels.newInputStream(FileChannel.open(vault, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      byte[] bytes = in.readNBytes(VaultCodec.HEADER + VaultCodec.MAX_BODY + 1);
      if (bytes.length > VaultCodec.HEADER + VaultCodec.MAX_BODY) {
        throw new VaultException(Reason.TAMPERED, vault + " is larger than any vault dso writes ("
            + (VaultCodec.MAX_BODY >> 20) + " MiB): restore it from a backup");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new VaultException(Reason.MISSING, "no local vault at " + vault
          + ": create one with 'dso init' (or set DSO_HOME to the directory that holds vault.enc)");
    }
  }

  /** Replaces {@code vault.enc} atomically with {@code bytes} (ciphertext); the caller holds the exclusive lock. */
  void replace(byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(dir, "." + VAULT + ".", ".tmp", MODE_600);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, vault, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    // The rename is durable only once the directory entry is on disk.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Removes {@code vault.enc} for {@code init --force}; the caller holds the exclusive lock. */
  void delete() throws IOException {
    Files.deleteIfExists(vault);
  }

  static VaultException io(String action, Path file, IOException e) {
    String why = e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : " " + e.getMessage());
    return new VaultException(e instanceof AccessDeniedException ? Reason.PERMISSION : Reason.IO, "cannot " + action + " " + file + ": " + why
        + "; check the owner and mode of " + file.getParent() + " (or set DSO_HOME)", e);
  }
}
