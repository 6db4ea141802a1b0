package io.dso.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private Docker daemon for the rotation soak, started with {@code scripts/test-rig.sh} in a directory
 * of its own: the soak restarts it (SIGTERM to its dockerd, then {@code up} again on the same data root,
 * so containers and their anonymous volumes survive, as on a host whose Docker service restarts), which
 * must never happen to the shared rig daemon other test runs use.
 */
final class SoakDaemon implements AutoCloseable {
  /** HEALTHCHECK image plus an anonymous volume, like a database image run without {@code -v}. */
  static final String HC_VOLUME = "dso-soak/busybox-hc-vol:1";
  /** Plain busybox (no HEALTHCHECK) plus an anonymous volume. */
  static final String VOLUME = "dso-soak/busybox-vol:1";
  private static final Duration STOP_WITHIN = Duration.ofSeconds(90);

  final Path dir;
  private String host;

  SoakDaemon(Path dir) {
    this.dir = dir;
  }

  /** Starts (or re-uses) the daemon; returns its DOCKER_HOST. */
  String up() throws IOException, InterruptedException {
    rig("up", false);
    String env = Files.readString(dir.resolve("env"));
    Matcher m = Pattern.compile("DOCKER_HOST=(\\S+)").matcher(env);
    if (!m.find()) {
      throw new AssertionError("no DOCKER_HOST in " + dir.resolve("env") + ": " + env);
    }
    host = m.group(1);
    return host;
  }

  String host() {
    return host;
  }

  /** Builds the two volume images on this daemon (legacy builder, no network, no registry). */
  void buildImages() throws IOException, InterruptedException {
    build(HC_VOLUME, "FROM dso-test/busybox-hc:1\nVOLUME /data\n");
    build(VOLUME, "FROM dso-test/busybox:1\nVOLUME /data\n");
  }

  private void build(String tag, String dockerfile) throws IOException, InterruptedException {
    Path ctx = Files.createTempDirectory("dso-soak-build");
    try {
      Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
      run(List.of("docker", "build", "-q", "--network", "none", "-t", tag, ctx.toString()),
          Map.of("DOCKER_HOST", host, "DOCKER_BUILDKIT", "0"), "docker build " + tag);
    } finally {
      Files.deleteIfExists(ctx.resolve("Dockerfile"));
      Files.deleteIfExists(ctx);
    }
  }

  /**
   * Stops the daemon with SIGTERM (it stops its containers, as a service restart does) and starts it
   * again on the same state; returns how long it was unreachable.
   */
  Duration restart() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    ProcessHandle dockerd = pid().orElseThrow(() -> new AssertionError("no dockerd pid in " + dir.resolve("dockerd.pid")));
    dockerd.destroy();
    try {
      dockerd.onExit().get(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("dockerd " + dockerd.pid() + " still runs " + STOP_WITHIN + " after SIGTERM" + tail());
    }
    up();
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private Optional<ProcessHandle> pid() throws IOException {
    Path file = dir.resolve("dockerd.pid");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    long pid = Long.parseLong(Files.readString(file).trim());
    Path comm = Path.of("/proc", String.valueOf(pid), "comm");
    // pids get reused: only ever signal a process that still is this rig's dockerd
    if (!Files.exists(comm) || !Files.readString(comm).trim().equals("dockerd")) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid);
  }

  /** The last lines of the daemon's log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("dockerd.log"), StandardCharsets.UTF_8);
      return "\n--- dockerd.log (tail) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private void rig(String command, boolean purge) throws IOException, InterruptedException {
    Map<String, String> env = new java.util.HashMap<>(Map.of("DSO_TEST_RIG_DIR", dir.toString()));
    if (purge) {
      env.put("DSO_TEST_RIG_PURGE", "1");
    }
    run(List.of(AgentProcess.repoRoot().resolve("scripts/test-rig.sh").toString(), command), env, "test-rig.sh " + command);
  }

  private void run(List<String> cmd, Map<String, String> env, String what) throws IOException, InterruptedException {
    Path log = Files.createTempFile("dso-soak-rig", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().remove("DOCKER_HOST");
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(what + " hung (180 s):\n" + Files.readString(log) + tail());
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(what + " failed (" + p.exitValue() + "):\n" + Files.readString(log) + tail());
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Stops the daemon and deletes its directory (containers, volumes, images). */
  @Override
  public void close() {
    try {
      rig("down", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("[soak] interrupted while stopping the private daemon in " + dir + "; stop it with DSO_TEST_RIG_DIR="
          + dir + " scripts/test-rig.sh down");
    } catch (IOException | AssertionError e) {
      System.err.println("[soak] could not stop the private daemon in " + dir + ": " + e.getMessage());
    }
    killOrphanShims();
  }

  /**
   * A container whose start a daemon restart cut short can keep its containerd shim (and {@code runc init})
   * alive after the daemon that owned it is gone; only shims of this rig's directory are ended.
   */
  private void killOrphanShims() {
    String address = dir + "/exec/";
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("containerd-shim") && c.contains(address)).orElse(false))
        .forEach(shim -> {
          shim.descendants().forEach(ProcessHandle::destroyForcibly);
          shim.destroyForcibly();
          System.err.println("[soak] ended orphaned containerd shim " + shim.pid() + " of " + dir);
        });
  }
}
