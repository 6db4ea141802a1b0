package io.dso.inject;

import io.dso.PrivatePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host directory where file-mode secrets live, which must be memory-backed (tmpfs or ramfs) so
 * that no value ever reaches a disk. As root the agent mounts a tmpfs there itself.
 */
public final class SecretsDir {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsDir.class);
  private static final List<String> MEMORY_FILESYSTEMS = List.of("tmpfs", "ramfs");

  private SecretsDir() {}

  /** {@code /run/dso/secrets} as root, else {@code $XDG_RUNTIME_DIR/dso/secrets}, else under /dev/shm. */
  public static Path defaultFor(boolean root, Map<String, String> env) {
    if (root) {
      return Path.of("/run/dso/secrets");
    }
    String xdg = env.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "dso", "secrets");
    }
    return Path.of("/dev/shm", "dso-" + System.getProperty("user.name"), "secrets");
  }

  /** The filesystem type of {@code dir} as the kernel reports it (e.g. {@code tmpfs}). */
  public static String filesystemType(Path dir) throws IOException {
    return Files.getFileStore(dir).type().toLowerCase(Locale.ROOT);
  }

  /**
   * Creates {@code dir} (mode 0700), mounting a tmpfs on it when it is not memory-backed and we are
   * root; refuses anything else with an error that says what to do: an existing directory that is a
   * symbolic link, owned by another user or writable by group or others is refused as well.
   */
  public static Path prepare(Path dir, boolean root) {
    try {
      PrivatePaths.directory(dir, "secrets directory", "--secrets-dir");
      String type = filesystemType(dir);
      if (!MEMORY_FILESYSTEMS.contains(type) && root) {
        mountTmpfs(dir);
        type = filesystemType(dir);
      }
      if (!MEMORY_FILESYSTEMS.contains(type)) {
        throw new InjectionException(
            "secrets directory " + dir + " is on " + type + ", not tmpfs/ramfs: secret files would reach a disk."
                + " Point --secrets-dir at a tmpfs (e.g. under /dev/shm or $XDG_RUNTIME_DIR), or run as root so"
                + " the agent mounts one");
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return dir;
    } catch (IOException e) {
      throw new InjectionException("cannot prepare secrets directory " + dir + ": " + e.getMessage()
          + "; choose another with --secrets-dir", e);
    }
  }

  private static void mountTmpfs(Path dir) throws IOException {
    LOG.info("mounting a tmpfs on {} for file-mode secrets", dir);
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700,nosuid,nodev,noexec", "tmpfs", dir.toString())
        .redirectErrorStream(true)
        .start();
    try {
      boolean done = p.waitFor(10, TimeUnit.SECONDS);
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!done || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new InjectionException("mounting a tmpfs on " + dir + " failed: " + out
            + "; mount one yourself (mount -t tmpfs tmpfs " + dir + ") or choose --secrets-dir");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InjectionException("interrupted while mounting a tmpfs on " + dir);
    }
  }
}
