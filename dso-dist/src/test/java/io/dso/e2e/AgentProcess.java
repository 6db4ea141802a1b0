package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real agent started through the repository's {@code ./dso} launcher, with its stdout, stderr
 * and audit log captured in files, and stopped with SIGTERM.
 */
public final class AgentProcess implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public final Path dir;
  public final int metricsPort;
  public final int apiPort;
  public final Path stdout;
  public final Path stderr;
  public final Path audit;
  public final Path stateDir;
  private final Process process;

  private AgentProcess(Path dir, int metricsPort, int apiPort, Process process) {
    this.dir = dir;
    this.metricsPort = metricsPort;
    this.apiPort = apiPort;
    this.process = process;
    this.stdout = dir.resolve("stdout.log");
    this.stderr = dir.resolve("stderr.log");
    this.audit = dir.resolve("audit.log");
    this.stateDir = dir.resolve("state");
  }

  public static Path repoRoot() {
    String root = System.getProperty("dso.root");
    Path p = root != null ? Path.of(root) : Path.of("..");
    return p.toAbsolutePath().normalize();
  }

  public static AgentProcess start(Path dir, Path config, int metricsPort, int apiPort, Map<String, String> env, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of(
        "agent", "-c", config.toString(),
        "-metrics-port", String.valueOf(metricsPort),
        "--api-addr", "127.0.0.1:" + apiPort,
        "--audit-log", dir.resolve("audit.log").toString(),
        "--state-dir", dir.resolve("state").toString()));
    args.addAll(List.of(extra));
    return startRaw(dir, metricsPort, apiPort, env, args.toArray(String[]::new));
  }

  /** Starts {@code ./dso <args>} in {@code dir}. */
  public static AgentProcess startRaw(Path dir, int metricsPort, int apiPort, Map<String, String> env, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(repoRoot().resolve("dso").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .redirectError(dir.resolve("stderr.log").toFile());
    // dist/ was just built by this Maven run: the launcher must not start a nested build.
    pb.environment().put("DSO_SKIP_BUILD", "1");
    // Agents of suites running side by side must not share the default socket (/run/dso/dso.sock).
    pb.environment().put("DSO_SOCKET", dir.resolve("dso.sock").toString());
    pb.environment().putAll(env);
    return new AgentProcess(dir, metricsPort, apiPort, pb.start());
  }

  /** Waits until /metrics answers, failing with the agent's stderr if it dies or hangs. */
  public void awaitMetrics(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + Files.readString(stderr));
      }
      try {
        if (get(metricsPort, "/metrics").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("agent /metrics did not answer within " + timeout + ":\n" + Files.readString(stderr));
  }

  public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends SIGTERM and returns how long the agent took to exit. */
  public Duration terminate() throws InterruptedException {
    long t0 = System.nanoTime();
    process.destroy();
    boolean exited = process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(exited).as("agent exits after SIGTERM").isTrue();
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL (the launcher execs java, so this is the agent's JVM itself); waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("agent gone after SIGKILL").isTrue();
  }

  public long pid() {
    return process.pid();
  }

  /** The value of one series (name plus labels, exactly as exposed) in a /metrics body; NaN if absent. */
  public static double metric(String body, String series) {
    for (String line : body.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
      }
    }
    return Double.NaN;
  }

  /** Waits up to {@code timeout} for the agent to exit on its own; its exit code, or empty while it still runs. */
  java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      return java.util.OptionalInt.of(process.exitValue());
    }
    return java.util.OptionalInt.empty();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
