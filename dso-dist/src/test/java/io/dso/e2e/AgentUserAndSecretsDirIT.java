package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent as an ordinary user (uid 65534 through setpriv): state under {@code ~/.dso} (0700,
 * HMAC key 0600), file-mode secrets under {@code /dev/shm/dso-<user>/secrets}, and a secrets
 * directory on a disk refused with a clear error, since a non-root agent cannot mount a tmpfs; as
 * root, the agent mounts one there itself.
 */
class AgentUserAndSecretsDirIT {
  private static final int NOBODY = 65534;

  private Path home;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "setpriv needs root (CI runs as root)");
    home = Files.createTempDirectory(Path.of("/tmp"), "dso-nonroot-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(home, "unix:uid", NOBODY);
    Files.setAttribute(home, "unix:gid", NOBODY);
    Files.writeString(home.resolve("secrets.json"), "{\"svc/key\": {\"KEY\": \"CANARY-nonroot-55e1\"}}");
    Files.writeString(home.resolve("dso.yaml"), """
        provider: local
        config: { path: secrets.json }
        secrets:
          - name: svc/key
            inject: { type: file, path: /run/secrets/key }
        """);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (home != null) {
      new ProcessBuilder("rm", "-rf", home.toString(), "/dev/shm/dso-nobody").start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(Path out, Path err, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "" + NOBODY, "--regid", "" + NOBODY, "--clear-groups",
        AgentProcess.repoRoot().resolve("dso").toString(), "agent", "-c", home.resolve("dso.yaml").toString()));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("HOME", home.toString());
    pb.environment().remove("XDG_RUNTIME_DIR");
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DOCKER_HOST", "unix://" + home.resolve("no-docker.sock"));
    return pb.start();
  }

  @Test
  void anOrdinaryUserKeepsStateInHomeAndSecretFilesOnDevShm() throws Exception {
    Path out = Files.createTempFile("nonroot", ".out");
    Path err = Files.createTempFile("nonroot", ".err");
    int metrics = FreePorts.loopback();
    Process agent = start(out, err, "-metrics-port", "" + metrics, "--api-addr", "127.0.0.1:" + FreePorts.loopback());
    try {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
          AgentProcess.get(metrics, "/metrics").statusCode() == 200);
      Path state = home.resolve(".dso");
      assertThat(Files.getPosixFilePermissions(state)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.getAttribute(state, "unix:uid")).isEqualTo(NOBODY);
      assertThat(Files.getPosixFilePermissions(state.resolve("hmac.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      Path secrets = Path.of("/dev/shm/dso-nobody/secrets");
      assertThat(Files.getPosixFilePermissions(secrets)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.getAttribute(secrets, "unix:uid")).isEqualTo(NOBODY);
      agent.destroy();
      assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
      List<String> audit = Files.readAllLines(out);
      assertThat(audit.getLast()).contains("\"event\":\"agent_stop\"");
      assertThat(Files.readString(out) + Files.readString(err)).doesNotContain("CANARY-nonroot-55e1");
    } finally {
      agent.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void asRootTheAgentMountsATmpfsOnASecretsDirThatIsOnDisk() throws Exception {
    Path disk = Files.createTempDirectory(Path.of("/tmp"), "dso-mount-");
    Path dir = Files.createDirectories(home.resolve("root-run"));
    AgentProcess agent = AgentProcess.startRaw(dir, 0, FreePorts.loopback(), java.util.Map.of(
            "DOCKER_HOST", "unix://" + home.resolve("no-docker.sock")),
        "agent", "-c", home.resolve("dso.yaml").toString(), "-metrics-port", "0",
        "--api-addr", "127.0.0.1:" + FreePorts.loopback(), "--state-dir", home.resolve("root-state").toString(),
        "--secrets-dir", disk.toString());
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> "tmpfs".equals(Files.getFileStore(disk).type()));
      assertThat(Files.getPosixFilePermissions(disk)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      agent.terminate();
    } finally {
      agent.close();
      new ProcessBuilder("umount", disk.toString()).start().waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(disk);
    }
  }

  @Test
  void aSecretsDirOnDiskIsRefusedForANonRootAgent() throws Exception {
    Path out = Files.createTempFile("nonroot", ".out");
    Path err = Files.createTempFile("nonroot", ".err");
    Path disk = home.resolve("on-disk");
    try {
      Process agent = start(out, err, "-metrics-port", "0", "--api-addr", "127.0.0.1:" + FreePorts.loopback(),
          "--secrets-dir", disk.toString());
      assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.exitValue()).isEqualTo(1);
      assertThat(Files.readString(err))
          .contains("secrets directory " + disk + " is on ")
          .contains("not tmpfs/ramfs: secret files would reach a disk")
          .doesNotContain("\tat ");
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
