package io.dso.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real agent ({@code ./dso agent}) for the soak, started again after every kill on the same
 * config, state directory, secrets directory and audit log. Unlike {@link AgentProcess}, stdout and
 * stderr of every incarnation are appended to one file each, with a header line per start.
 */
final class SoakAgent implements AutoCloseable {
  final Path dir;
  final Path config;
  final Path audit;
  final Path stdout;
  final Path stderr;
  final Path stateDir;
  final Path secretsDir;
  final int metricsPort;
  final int apiPort;
  private final String dockerHost;
  private Process process;
  private int incarnation;

  SoakAgent(Path dir, Path config, Path secretsDir, String dockerHost, int metricsPort, int apiPort) {
    this.dir = dir;
    this.config = config;
    this.secretsDir = secretsDir;
    this.dockerHost = dockerHost;
    this.metricsPort = metricsPort;
    this.apiPort = apiPort;
    this.audit = dir.resolve("audit.log");
    this.stdout = dir.resolve("agent-stdout.log");
    this.stderr = dir.resolve("agent-stderr.log");
    this.stateDir = dir.resolve("state");
  }

  /** Starts an incarnation and waits (bounded) until its /metrics answers. */
  void start(Duration within) throws IOException, InterruptedException {
    incarnation++;
    String header = "=== soak: agent incarnation " + incarnation + " started " + Instant.now() + " ===\n";
    for (Path log : List.of(stdout, stderr)) {
      Files.writeString(log, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    List<String> cmd = new ArrayList<>(List.of(AgentProcess.repoRoot().resolve("dso").toString(),
        "agent", "-c", config.toString(),
        "-metrics-port", String.valueOf(metricsPort),
        "--api-addr", "127.0.0.1:" + apiPort,
        "--audit-log", audit.toString(),
        "--state-dir", stateDir.toString(),
        "--secrets-dir", secretsDir.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_SOCKET", dir.resolve("dso.sock").toString());
    pb.environment().put("DOCKER_HOST", dockerHost);
    process = pb.start();
    process.getOutputStream().close();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("agent incarnation " + incarnation + " exited with " + process.exitValue() + tail(stderr, 40));
      }
      try {
        if (AgentProcess.get(metricsPort, "/metrics").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("agent /metrics did not answer within " + within + tail(stderr, 40));
  }

  int incarnation() {
    return incarnation;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** How one stop went: how long the agent took to exit and its exit code, or -1 if it had to be killed. */
  record Stop(Duration took, int exit, boolean forced) {}

  /**
   * SIGTERM, then waits up to {@code within} for the exit; an agent still running then gets SIGKILL
   * (reported as {@code forced}).
   */
  Stop terminate(Duration within) throws InterruptedException {
    long t0 = System.nanoTime();
    process.destroy();
    if (process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      return new Stop(Duration.ofNanos(System.nanoTime() - t0), process.exitValue(), false);
    }
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    return new Stop(Duration.ofNanos(System.nanoTime() - t0), -1, true);
  }

  /** SIGKILL (the launcher execs java, so this is the agent's JVM itself). */
  Stop kill() throws InterruptedException {
    long t0 = System.nanoTime();
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("agent still alive 30 s after SIGKILL");
    }
    return new Stop(Duration.ofNanos(System.nanoTime() - t0), process.exitValue(), true);
  }

  /** The last {@code lines} lines of a log, as a block for failure messages. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "\n--- " + file.getFileName() + " (last " + lines + " lines) ---\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "\n--- " + file.getFileName() + ": " + e.getMessage();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
