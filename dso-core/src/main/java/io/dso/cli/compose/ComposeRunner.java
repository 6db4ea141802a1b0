package io.dso.cli.compose;

import io.dso.DsoException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Docker Compose: the v2 plugin ({@code docker compose}) when it answers, else
 * {@code docker-compose} (v1). Values reach it only through its process environment.
 */
public final class ComposeRunner {
  private final List<String> base;

  private ComposeRunner(List<String> base) {
    this.base = List.copyOf(base);
  }

  /** A runner for a given command, e.g. {@code [docker-compose]}. */
  static ComposeRunner of(List<String> base) {
    return new ComposeRunner(base);
  }

  /** The command that starts Compose, e.g. {@code [docker, compose]}. */
  public List<String> base() {
    return base;
  }

  /** Finds Compose on {@code PATH}; an error that says how to install it when there is none. */
  public static ComposeRunner detect(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "");
    Path docker = onPath(path, "docker");
    if (docker != null && answers(List.of(docker.toString(), "compose", "version"), env)) {
      return new ComposeRunner(List.of(docker.toString(), "compose"));
    }
    Path v1 = onPath(path, "docker-compose");
    if (v1 != null) {
      return new ComposeRunner(List.of(v1.toString()));
    }
    throw new DsoException("Docker Compose not found: install the Compose plugin (apt-get install docker-compose-plugin,"
        + " see https://docs.docker.com/compose/install/) or docker-compose (apt-get install docker-compose)");
  }

  static Path onPath(String path, String name) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean answers(List<String> command, Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The full command line: Compose, {@code -p}, every {@code -f}, then the user's arguments. */
  public List<String> command(String project, List<Path> files, List<String> args) {
    List<String> cmd = new ArrayList<>(base);
    cmd.add("-p");
    cmd.add(project);
    for (Path f : files) {
      cmd.add("-f");
      cmd.add(f.toString());
    }
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Runs Compose in {@code directory} with {@code env} (the process environment plus the carriers)
   * and returns its exit code; its output streams through, stdout to {@code stdout}.
   */
  public int run(Path directory, List<String> command, Map<String, String> env, OutputStream stdout)
      throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    if (stdout == null) {
      pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    }
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new DsoException("cannot start Docker Compose (" + command.getFirst() + "): " + e.getMessage()
          + "; check that it is installed and executable");
    }
    Thread pump = null;
    if (stdout != null) {
      pump = Thread.ofVirtual().start(() -> copy(p.getInputStream(), stdout));
    }
    // Ctrl-C reaches Compose too (same process group); let it finish stopping before we exit.
    Thread linger = new Thread(() -> {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(linger);
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      p.destroy();
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(linger);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it ends when Compose does
      }
      if (pump != null) {
        pump.join(java.time.Duration.ofSeconds(5));
      }
    }
  }

  private static void copy(InputStream in, OutputStream out) {
    try (in) {
      in.transferTo(out);
      out.flush();
    } catch (IOException ignored) {
      // Compose went away; its exit code tells the story
    }
  }
}
