package io.dso.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import io.dso.testing.RigResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  private final DockerCli docker;

  RigContainers() {
    this(DockerRig.dockerHost());
  }

  RigContainers(String host) {
    this.host = host;
    this.engine = new DockerJavaEngine(host);
    this.docker = new DockerCli(host, "dso-t-");
  }

  /** A unique container name; remembered for cleanup. */
  String name(String base) {
    return docker.name(base);
  }

  /** Creates (not starts) a container; {@code customize} may add anything on top of the defaults. */
  String create(String name, String image, UnaryOperator<CreateContainerCmd> customize) {
    HostConfig host = HostConfig.newHostConfig().withNetworkMode("none").withInit(true);
    CreateContainerCmd cmd = engine.client().createContainerCmd(image).withName(name).withHostConfig(host);
    return customize.apply(cmd).exec().getId();
  }

  /** {@code docker exec} through the CLI; returns stdout (then stderr), fails on a non-zero exit. */
  String exec(String container, String... command) {
    List<String> args = new ArrayList<>(List.of("exec", container));
    args.addAll(List.of(command));
    DockerCli.Result r = docker.run(args.toArray(String[]::new));
    if (!r.ok()) {
      throw new AssertionError(args + " failed: " + r.out() + r.err());
    }
    return r.out() + r.err();
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The docker CLI these containers are named and removed with. */
  DockerCli cli() {
    return docker;
  }

  /** Removes every container named so far with the volumes they mount (the engine never removes volumes). */
  void removeAll() {
    try (RigResources volumes = new RigResources(docker)) {
      for (String n : docker.names()) {
        volumes.trackVolumesOf(n);
        docker.run("rm", "-fv", n);
      }
    }
  }

  @Override
  public void close() {
    removeAll();
    engine.close();
  }
}
