package io.dso.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private Docker daemon of one test (scripts/test-rig.sh with its own directory), which the test
 * may stop and start at will; the shared rig daemon is never touched. {@link #close} stops it and
 * purges its directory.
 */
final class SecondDaemon implements AutoCloseable {
  final Path dir = Path.of("/tmp/dso-rig-e2e-" + UUID.randomUUID().toString().substring(0, 8));

  /** Starts (or restarts) the daemon and returns its DOCKER_HOST. */
  String up() throws IOException, InterruptedException {
    rig("up", false);
    String env = Files.readString(dir.resolve("env"));
    Matcher m = Pattern.compile("DOCKER_HOST=(\\S+)").matcher(env);
    if (!m.find()) {
      throw new AssertionError("no DOCKER_HOST in " + dir.resolve("env") + ": " + env);
    }
    return m.group(1);
  }

  /**
   * Stops the daemon the way {@code systemctl restart docker} does: SIGTERM to dockerd, which stops
   * its containers and exits; containers and images stay on disk for the next {@link #up}. (The
   * rig's own {@code down} removes every container first, which is not a restart.)
   */
  void stop() throws IOException, InterruptedException {
    long pid = Long.parseLong(Files.readString(dir.resolve("dockerd.pid")).trim());
    ProcessHandle dockerd = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("dockerd " + pid + " is not running"));
    Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(pid)).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -TERM " + pid + " failed");
    }
    try {
      dockerd.onExit().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("dockerd " + pid + " still running 60 s after SIGTERM" + tail(dir.resolve("dockerd.log")), e);
    }
  }

  /** The rig's own stop: removes the daemon's containers, then stops dockerd; images stay for {@link #up}. */
  void down() throws IOException, InterruptedException {
    rig("down", false);
  }

  @Override
  public void close() throws IOException {
    try {
      rig("down", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the private daemon in " + dir, e);
    }
  }

  private void rig(String command, boolean purge) throws IOException, InterruptedException {
    Path log = Files.createTempFile("dso-rig-e2e", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(AgentProcess.repoRoot().resolve("scripts/test-rig.sh").toString(), command)
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().remove("DOCKER_HOST");
      pb.environment().put("DSO_TEST_RIG_DIR", dir.toString());
      if (purge) {
        pb.environment().put("DSO_TEST_RIG_PURGE", "1");
      }
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroy();
        throw new AssertionError("test-rig.sh " + command + " hung:\n" + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("test-rig.sh " + command + " failed (" + p.exitValue() + "):\n" + Files.readString(log)
            + tail(dir.resolve("dockerd.log")));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "\n--- " + file + " (tail) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}
