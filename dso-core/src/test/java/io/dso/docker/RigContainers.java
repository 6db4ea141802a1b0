package io.dso.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import io.dso.testing.DockerRig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Test containers on the rig daemon: unique names, network {@code none}, {@code init}, and removal of
 * everything a test made (by name, so clones and renamed containers are found too).
 */
final class RigContainers implements AutoCloseable {
  static final String BUSYBOX = "dso-test/busybox:1";
  static final String HEALTHY = "dso-test/busybox-hc:1";
  static final String UNHEALTHY = "dso-test/busybox-unhealthy:1";

  final String host;
  final DockerJavaEngine engine;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final List<String> names = new ArrayList<>();

  RigContainers() {
    this(DockerRig.dockerHost());
  }

  RigContainers(String host) {
    this.host = host;
    this.engine = new DockerJavaEngine(host);
  }

  /** A unique container name; remembered for cleanup. */
  String name(String base) {
    String n = "dso-t-" + base + "-" + suffix;
    names.add(n);
    return n;
  }

  /** Creates (not starts) a container; {@code customize} may add anything on top of the defaults. */
  String create(String name, String image, UnaryOperator<CreateContainerCmd> customize) {
    HostConfig host = HostConfig.newHostConfig().withNetworkMode("none").withInit(true);
    CreateContainerCmd cmd = engine.client().createContainerCmd(image).withName(name).withHostConfig(host);
    return customize.apply(cmd).exec().getId();
  }

  /** {@code docker exec} through the CLI; returns stdout, fails on a non-zero exit. */
  String exec(String container, String... command) {
    List<String> argv = new ArrayList<>(List.of("docker", "exec", container));
    argv.addAll(List.of(command));
    return run(argv);
  }

  String run(List<String> argv) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      pb.environment().put("DOCKER_HOST", host);
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(argv + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(argv + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    for (String n : names) {
      try {
        engine.remove(n, true);
      } catch (RuntimeException e) {
        // keep removing the others; a leftover shows up in the next rig's "down"
      }
    }
    engine.close();
  }
}
