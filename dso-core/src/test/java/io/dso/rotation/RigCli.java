package io.dso.rotation;

import io.dso.testing.DockerRig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The docker CLI against the rig daemon; every base name it hands out is removed (with _dso_new/_dso_old) on close. */
final class RigCli implements AutoCloseable {
  static final String BUSYBOX = "dso-test/busybox:1";
  static final String HEALTHY = "dso-test/busybox-hc:1";

  final String host;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final List<String> names = new ArrayList<>();

  RigCli() {
    this.host = DockerRig.dockerHost();
  }

  /** Whether a container name belongs to this fixture (the rig daemon is shared with other runs). */
  boolean owns(String containerName) {
    return containerName.contains("-" + suffix);
  }

  String name(String base) {
    String n = "dso-rot-" + base + "-" + suffix;
    names.add(n);
    return n;
  }

  record Result(int exit, String out, String err) {}

  Result run(String... args) {
    List<String> argv = new ArrayList<>(List.of("docker"));
    argv.addAll(Arrays.asList(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().put("DOCKER_HOST", host);
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(argv + " did not finish within 60 s");
      }
      return new Result(p.exitValue(), out.join().trim(), err.join().trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  String ok(String... args) {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed: " + r.err() + r.out());
    }
    return r.out();
  }

  /** A running hc container with --network none --init; returns its id. */
  String runHealthy(String name) {
    return ok("run", "-d", "--name", name, "--network", "none", "--init", "--label", "dso.test=rotation", HEALTHY);
  }

  /** Created (not started) hc container; returns its id. */
  String createHealthy(String name) {
    return ok("create", "--name", name, "--network", "none", "--init", "--label", "dso.test=rotation", HEALTHY);
  }

  /** Every container whose name starts with {@code base}, as "name state id". */
  List<String> family(String base) {
    String out = ok("ps", "-a", "--filter", "name=^/" + base, "--format", "{{.Names}} {{.State}} {{.ID}}");
    return out.isEmpty() ? List.of() : List.of(out.split("\n"));
  }

  String fullId(String nameOrId) {
    return ok("inspect", "--format", "{{.Id}}", nameOrId);
  }

  @Override
  public void close() {
    for (String n : names) {
      for (String v : List.of(n, n + "_dso_new", n + "_dso_old")) {
        run("rm", "-f", v);
      }
    }
  }
}
