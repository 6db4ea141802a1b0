package io.dso.agent;

import io.dso.PrivatePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the agent keeps its own small state (keys, journal; never secret values): {@code
 * /var/lib/dso} as root, else {@code $XDG_RUNTIME_DIR/dso} or {@code ~/.dso}; always mode 0700.
 */
public final class StateDir {
  private StateDir() {}

  public static Path defaultFor(boolean root, Map<String, String> env) {
    if (root) {
      return Path.of("/var/lib/dso");
    }
    String xdg = env.get("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "dso");
    }
    // $HOME first: the JVM's user.home comes from the passwd entry, which may be /nonexistent.
    String home = env.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".dso");
  }

  public static boolean runningAsRoot() {
    try {
      return "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * Creates the directory if needed (0700); refuses an existing one that is a symbolic link, owned
   * by another user or writable by group or others, since its keys and journals steer the agent.
   */
  public static Path prepare(Path dir) {
    return PrivatePaths.directory(dir, "state directory", "--state-dir");
  }
}
