package io.dso.api;

import io.dso.DsoException;
import io.dso.PrivatePaths;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Map;
import java.util.Set;

/**
 * Where the agent's unix socket lives and how its file is made safe: the directory must be this
 * user's, no link and writable by nobody else; a socket file nobody answers on is replaced, one an
 * agent answers on is refused; the socket is mode 0660, group {@code dso} when that group exists.
 */
public final class SocketPaths {
  /** Longest path a unix socket address may have on Linux ({@code sun_path} minus its NUL). */
  static final int MAX_PATH_BYTES = 107;

  private SocketPaths() {}

  /**
   * {@code $DSO_SOCKET} when set; else {@code /run/dso/dso.sock} as root, {@code
   * $XDG_RUNTIME_DIR/dso/dso.sock} otherwise, and {@code ~/.dso/dso.sock} when {@code
   * XDG_RUNTIME_DIR} is unset (a user without a login session, e.g. under cron or sudo -u).
   */
  public static Path defaultFor(boolean root, Map<String, String> env) {
    String explicit = env.get("DSO_SOCKET");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    if (root) {
      return Path.of("/run/dso/dso.sock");
    }
    String xdg = env.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "dso", "dso.sock");
    }
    String home = env.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".dso", "dso.sock");
  }

  /**
   * Readies {@code socket} for binding: checks or creates its directory, refuses when another agent
   * answers there, and removes a stale socket file nobody listens on.
   */
  public static Path claim(Path socket) {
    return claim(socket, false);
  }

  /**
   * As {@link #claim(Path)}; with {@code searchableByOthers} (group dso exists) the directory also
   * gets search permission for group and others when it lacks it, without read or write: under
   * systemd's {@code UMask=0077} (or when the secrets directory created it) {@code /run/dso} is
   * 0700, and group members could not reach the socket inside.
   */
  public static Path claim(Path socket, boolean searchableByOthers) {
    Path file = socket.toAbsolutePath().normalize();
    if (file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new DsoException("socket path " + file + " is longer than " + MAX_PATH_BYTES
          + " bytes, the limit of a unix socket address; choose a shorter one with --socket");
    }
    directory(file.getParent(), searchableByOthers);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return file;
    }
    if (!isSocket(file)) {
      throw new DsoException("socket path " + file + " exists and is not a socket; remove it or choose another with --socket");
    }
    if (answers(file)) {
      throw new DsoException("another agent runs on socket " + file + "; stop it first or choose another path with --socket");
    }
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new DsoException("cannot remove the stale socket " + file + " (no agent answers on it): " + e.getMessage()
          + "; remove it by hand or choose another path with --socket", e);
    }
    return file;
  }

  /** Sets the bound socket to mode 0660 and, when group {@code dso} exists, to that group. */
  public static void restrict(Path socket, boolean groupExists) {
    try {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
      if (groupExists) {
        GroupPrincipal g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(PeerPolicy.GROUP);
        Files.getFileAttributeView(socket, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
      }
    } catch (UserPrincipalNotFoundException e) {
      // The group went away between the check and here: the socket stays in the agent's own group.
    } catch (IOException e) {
      throw new DsoException("cannot set mode 0660 and group " + PeerPolicy.GROUP + " on socket " + socket + ": "
          + e.getMessage() + "; choose a socket path in a directory of this user with --socket", e);
    }
  }

  /** Whether group {@code dso} exists on this host (then the socket belongs to it). */
  public static boolean groupExists() {
    return Accounts.system().groupExists(PeerPolicy.GROUP);
  }

  /** Whether an agent (anything) accepts connections on {@code socket}. */
  static boolean answers(Path socket) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isSocket(Path file) {
    try {
      PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isOther() && !a.isSymbolicLink();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Creates the socket's directory (0755: the socket file's own mode is the gate, and members of
   * group dso must be able to reach it) or checks an existing one like the state directory.
   */
  private static void directory(Path dir, boolean searchableByOthers) {
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir.getParent());
        try {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
          // explicitly: the mode given to mkdir is cut by the umask (systemd's UMask=0077 would make it 0700)
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
          return;
        } catch (FileAlreadyExistsException raced) {
          // checked below like any existing directory
        }
      }
      checkExisting(dir);
      if (searchableByOthers) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!mode.contains(PosixFilePermission.GROUP_EXECUTE) || !mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
          mode.add(PosixFilePermission.GROUP_EXECUTE);
          mode.add(PosixFilePermission.OTHERS_EXECUTE);
          Files.setPosixFilePermissions(dir, mode);
        }
      }
    } catch (IOException e) {
      throw new DsoException("cannot prepare socket directory " + dir + ": " + e.getMessage()
          + "; choose a socket path in a directory of this user with --socket", e);
    }
  }

  private static void checkExisting(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new DsoException("socket directory " + dir + " is a symbolic link: another user could redirect it;"
          + " give a real directory with --socket");
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new DsoException("socket directory " + dir + " exists but is not a directory; remove it or choose another with --socket");
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int me = PrivatePaths.currentUid();
    if (owner != me) {
      throw new DsoException("socket directory " + dir + " is owned by uid " + owner + ", not by this user (uid " + me
          + "): its owner could replace the socket; chown " + me + " " + dir + " (as root) or choose another with --socket");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new DsoException("socket directory " + dir + " is writable by "
          + (mode.contains(PosixFilePermission.OTHERS_WRITE) ? "everyone" : "its group") + " (mode "
          + PosixFilePermissions.toString(mode) + "): another user could replace the socket; chmod 755 " + dir
          + " or choose another with --socket");
    }
  }
}
