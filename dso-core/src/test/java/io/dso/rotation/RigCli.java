package io.dso.rotation;

import io.dso.testing.DockerCli;
import io.dso.testing.DockerRig;
import java.util.List;

/** The docker CLI against the rig daemon; every base name it hands out is removed (with _dso_new/_dso_old) on close. */
final class RigCli implements AutoCloseable {
  static final String BUSYBOX = "dso-test/busybox:1";
  static final String HEALTHY = "dso-test/busybox-hc:1";

  private final DockerCli docker = new DockerCli(DockerRig.dockerHost(), "dso-rot-");
  final String host = docker.host;

  /** Whether a container name belongs to this fixture (the rig daemon is shared with other runs). */
  boolean owns(String containerName) {
    return containerName.contains("-" + docker.suffix);
  }

  String name(String base) {
    return docker.name(base);
  }

  /** {@link DockerCli#run} with stdout and stderr trimmed. */
  DockerCli.Result run(String... args) {
    return docker.run(args).trimmed();
  }

  /** Runs a CLI command that must succeed; returns its trimmed stdout. */
  String ok(String... args) {
    return docker.ok(args);
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
    docker.close();
  }
}
