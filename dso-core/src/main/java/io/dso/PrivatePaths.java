package io.dso;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The agent's own directories and files on the host (state dir, secrets dir, key, journals): a
 * directory is used only when this user owns it, nobody else can write to it and it is not a
 * symbolic link; a file is created 0600 atomically and never opened through a symbolic link, so
 * another local user can neither plant, swap nor redirect them.
 */
public final class PrivatePaths {
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final FileAttribute<Set<PosixFilePermission>> MODE_600 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> MODE_700 =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private PrivatePaths() {}

  /**
   * Refuses {@code dir} when it exists but is a symbolic link, not a directory, owned by another
   * user, or writable by group or others; creates it (0700) when missing and sets it to 0700.
   *
   * @param what how the message names it, e.g. {@code state directory}
   * @param flag the option that chooses another, e.g. {@code --state-dir}
   */
  public static Path directory(Path dir, String what, String flag) {
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        checkExisting(dir, what, flag);
      } else {
        Files.createDirectories(dir.toAbsolutePath().getParent());
        try {
          Files.createDirectory(dir, MODE_700);
        } catch (FileAlreadyExistsException raced) {
          checkExisting(dir, what, flag);
        }
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return dir;
    } catch (IOException | UnsupportedOperationException e) {
      throw new DsoException("cannot prepare " + what + " " + dir + ": " + reason(e) + "; choose a writable one with " + flag, e);
    }
  }

  private static void checkExisting(Path dir, String what, String flag) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new DsoException(what + " " + dir + " is a symbolic link (to " + Files.readSymbolicLink(dir)
          + "): another user could redirect it; give the real directory with " + flag + " or replace the link"
          + " with a directory (rm " + dir + " && mkdir -m 700 " + dir + ")");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new DsoException(what + " " + dir + " exists but is not a directory; remove it or choose another with " + flag);
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int me = currentUid();
    if (owner != me) {
      throw new DsoException(what + " " + dir + " is owned by uid " + owner + ", not by this user (uid " + me
          + "): its owner could swap files in it; chown " + me + " " + dir + " (as root) or choose another with " + flag);
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (mode.stream().anyMatch(OTHERS_WRITE::contains)) {
      throw new DsoException(what + " " + dir + " is writable by " + (mode.contains(PosixFilePermission.OTHERS_WRITE)
          ? "everyone" : "its group") + " (mode " + PosixFilePermissions.toString(mode)
          + "): another user could plant or replace files; chmod 700 " + dir + " or choose another with " + flag);
    }
  }

  /**
   * Writes {@code bytes} to a new file {@code target} mode 0600: through a temporary file (created
   * exclusively, fsync'd) that is hard-linked into place, so {@code target} appears complete or not
   * at all and an existing file is never replaced.
   *
   * @return false when {@code target} already existed (someone else created it first)
   */
  public static boolean createOnce(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch = createNew(tmp)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.createLink(target, tmp);
      return true;
    } catch (FileAlreadyExistsException raced) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A new file, mode 0600 from the first instant, for writing; fails if anything (even a link) is there. */
  public static FileChannel createNew(Path file) throws IOException {
    return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), MODE_600);
  }

  /**
   * Reads a small file without following a symbolic link, refusing one that another user owns or
   * that group or others can read or write.
   */
  public static byte[] readPrivate(Path file, int maxBytes) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (owner != currentUid()) {
        throw new DsoException(file + " is owned by uid " + owner + ", not by this user (uid " + currentUid()
            + "); chown " + currentUid() + " " + file + " (as root) or delete it");
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE).containsAll(mode)) {
        throw new DsoException(file + " has mode " + PosixFilePermissions.toString(mode)
            + ", others could read or change it; chmod 600 " + file);
      }
      if (ch.size() > maxBytes) {
        throw new DsoException(file + " has " + ch.size() + " bytes, more than the " + maxBytes + " expected; is it the right file?");
      }
      return java.nio.channels.Channels.newInputStream(ch).readNBytes(maxBytes);
    }
  }

  /** This process's effective user id, as the kernel shows it on {@code /proc/self}. */
  public static int currentUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new DsoException("cannot tell this process's user id from /proc/self: " + e.getMessage()
          + "; the agent needs Linux with /proc mounted", e);
    }
  }

  private static String reason(Exception e) {
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }
}
