package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real agent as an ordinary user (uid 65534 through setpriv) refuses to start on a state
 * directory, secrets directory or audit log another local user could redirect or plant files in:
 * it exits non-zero with one line that names the path, what is wrong and the fix, and leaves what is
 * already there exactly as it was. A private 0700 state directory of its own is used as is.
 */
@Tag("e2e")
class UnsafeStateDirIT {
  private static final int NOBODY = 65534;
  private static final String MARKER = "left alone\n";

  private Path home;
  private Path shmBase;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "setpriv needs root (CI runs as root)");
    home = Files.createTempDirectory(Path.of("/tmp"), "dso-unsafe-");
    ownedByNobody(home, "rwx------");
    Files.writeString(home.resolve("secrets.json"), "{\"svc/key\": {\"KEY\": \"CANARY-unsafe-9d27\"}}");
    // A file-mode secret, so the agent prepares its secrets directory at start as well.
    Files.writeString(home.resolve("dso.yaml"), """
        provider: local
        config: { path: secrets.json }
        secrets:
          - name: svc/key
            inject: { type: file, path: /run/secrets/key }
        """);
    shmBase = Files.createTempDirectory(Path.of("/dev/shm"), "dso-unsafe-");
    ownedByNobody(shmBase, "rwx------");
  }

  @AfterEach
  void tearDown() throws Exception {
    List<String> rm = new ArrayList<>(List.of("rm", "-rf"));
    if (home != null) {
      rm.add(home.toString());
    }
    if (shmBase != null) {
      rm.add(shmBase.toString());
    }
    new ProcessBuilder(rm).start().waitFor(10, TimeUnit.SECONDS);
  }

  private static void ownedByNobody(Path p, String mode) throws Exception {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
  }

  /** A directory with one marker file in it, owned by {@code uid}, with {@code mode} (set after umask). */
  private static Path dirWithMarker(Path dir, int uid, String mode) throws Exception {
    Files.createDirectory(dir);
    Path marker = Files.writeString(dir.resolve("marker"), MARKER);
    Files.setAttribute(marker, "unix:uid", uid);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
    Files.setAttribute(dir, "unix:uid", uid);
    Files.setAttribute(dir, "unix:gid", uid);
    return dir;
  }

  /** What a refused start must leave as it was: mode, owner, link target and the names and bytes inside. */
  private record Snapshot(String mode, Object uid, String linkTarget, List<String> contents) {
    static Snapshot of(Path p) throws Exception {
      String target = Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).toString() : null;
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
      Object uid = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      List<String> contents = new ArrayList<>();
      Path real = p.toRealPath();
      if (Files.isDirectory(real)) {
        try (var list = Files.list(real)) {
          for (Path f : list.sorted().toList()) {
            contents.add(f.getFileName() + "=" + (Files.isRegularFile(f) ? Files.readString(f) : "<dir>"));
          }
        }
      } else {
        contents.add(Files.readString(real));
      }
      return new Snapshot(mode, uid, target, contents);
    }
  }

  private record Outcome(int exit, String stderr, String stdout) {}

  private Process start(Path out, Path err, int metricsPort, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "" + NOBODY, "--regid", "" + NOBODY, "--clear-groups",
        AgentProcess.repoRoot().resolve("dso").toString(), "agent", "-c", home.resolve("dso.yaml").toString(),
        "-metrics-port", "" + metricsPort, "--api-addr", "127.0.0.1:" + FreePorts.loopback()));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("HOME", home.toString());
    pb.environment().remove("XDG_RUNTIME_DIR");
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DOCKER_HOST", "unix://" + home.resolve("no-docker.sock"));
    return pb.start();
  }

  /** Starts the agent as nobody; it must exit on its own within 60 s. */
  private Outcome refusedStart(String... extra) throws Exception {
    Path out = Files.createTempFile("unsafe", ".out");
    Path err = Files.createTempFile("unsafe", ".err");
    Process agent = start(out, err, 0, extra);
    try {
      boolean exited = agent.waitFor(60, TimeUnit.SECONDS);
      assertThat(exited).as("agent exits on its own; stderr:%n%s", Files.readString(err)).isTrue();
      return new Outcome(agent.exitValue(), Files.readString(err), Files.readString(out));
    } finally {
      agent.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Exit code non-zero; one stderr line names the path and carries every fragment (what is wrong, the fix); no stack trace, no value. */
  private static void assertRefused(Outcome o, Path path, String... fragments) {
    assertThat(o.exit()).as("exit code; stderr:%n%s", o.stderr()).isNotZero();
    List<String> lines = o.stderr().lines().filter(l -> l.contains(path.toString())).toList();
    assertThat(lines).as("stderr lines naming %s; stderr:%n%s", path, o.stderr())
        .anySatisfy(line -> assertThat(line).contains(fragments));
    assertThat(o.stderr()).doesNotContain("\tat ");
    assertThat(o.stderr() + o.stdout()).doesNotContain("CANARY-unsafe-9d27");
  }

  @Test
  void aWorldWritableStateDirIsRefusedAndLeftAsItWas() throws Exception {
    Path state = dirWithMarker(home.resolve("state-ww"), NOBODY, "rwxrwxrwx");
    Snapshot before = Snapshot.of(state);
    Outcome o = refusedStart("--state-dir", state.toString());
    assertRefused(o, state, "state directory " + state, "writable by everyone", "chmod 700 " + state, "--state-dir");
    assertThat(Snapshot.of(state)).isEqualTo(before);
  }

  @Test
  void aStateDirOwnedByAnotherUserIsRefusedAndLeftAsItWas() throws Exception {
    Path state = dirWithMarker(home.resolve("state-root"), 0, "rwxr-xr-x");
    Snapshot before = Snapshot.of(state);
    Outcome o = refusedStart("--state-dir", state.toString());
    assertRefused(o, state, "state directory " + state, "owned by uid 0", "uid " + NOBODY, "chown " + NOBODY + " " + state);
    assertThat(Snapshot.of(state)).isEqualTo(before);
  }

  @Test
  void aStateDirThatIsASymbolicLinkIsRefusedAndLeftAsItWas() throws Exception {
    Path real = dirWithMarker(home.resolve("state-real"), NOBODY, "rwx------");
    Path link = Files.createSymbolicLink(home.resolve("state-link"), real);
    Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    Snapshot before = Snapshot.of(link);
    Snapshot realBefore = Snapshot.of(real);
    Outcome o = refusedStart("--state-dir", link.toString());
    assertRefused(o, link, "state directory " + link, "is a symbolic link", "--state-dir", "mkdir -m 700 " + link);
    assertThat(Snapshot.of(link)).isEqualTo(before);
    assertThat(Snapshot.of(real)).isEqualTo(realBefore);
  }

  @Test
  void aSecretsDirThatIsASymbolicLinkIsRefusedAndLeftAsItWas() throws Exception {
    Path state = dirWithMarker(home.resolve("state-ok"), NOBODY, "rwx------");
    Path real = dirWithMarker(shmBase.resolve("secrets-real"), NOBODY, "rwx------");
    Path link = Files.createSymbolicLink(shmBase.resolve("secrets-link"), real);
    Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    Snapshot before = Snapshot.of(link);
    Snapshot realBefore = Snapshot.of(real);
    Outcome o = refusedStart("--state-dir", state.toString(), "--secrets-dir", link.toString());
    assertRefused(o, link, "secrets directory " + link, "is a symbolic link", "--secrets-dir");
    assertThat(Snapshot.of(link)).isEqualTo(before);
    assertThat(Snapshot.of(real)).isEqualTo(realBefore);
  }

  @Test
  void anAuditLogThatIsASymbolicLinkIsRefusedAndItsTargetLeftAsItWas() throws Exception {
    Path state = dirWithMarker(home.resolve("state-ok"), NOBODY, "rwx------");
    Path target = Files.writeString(home.resolve("elsewhere.log"), MARKER);
    ownedByNobody(target, "rw-------");
    Path link = Files.createSymbolicLink(home.resolve("audit.log"), target);
    Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    Snapshot before = Snapshot.of(link);
    Snapshot targetBefore = Snapshot.of(target);
    Outcome o = refusedStart("--state-dir", state.toString(), "--audit-log", link.toString());
    assertRefused(o, link, "audit log " + link, "symbolic link", "--audit-log");
    assertThat(Snapshot.of(link)).isEqualTo(before);
    assertThat(Snapshot.of(target)).isEqualTo(targetBefore);
  }

  @Test
  void aPrivateStateDirOfItsOwnIsUsedAsIs() throws Exception {
    Path state = dirWithMarker(home.resolve("state-good"), NOBODY, "rwx------");
    Path secretsDir = shmBase.resolve("secrets-good");
    Path out = Files.createTempFile("unsafe", ".out");
    Path err = Files.createTempFile("unsafe", ".err");
    int metrics = FreePorts.loopback();
    Process agent = start(out, err, metrics, "--state-dir", state.toString(), "--secrets-dir", secretsDir.toString());
    try {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
          !agent.isAlive() || AgentProcess.get(metrics, "/metrics").statusCode() == 200);
      assertThat(agent.isAlive()).as("agent runs; stderr:%n%s", Files.readString(err)).isTrue();
      assertThat(Files.readString(state.resolve("marker"))).isEqualTo(MARKER);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
      assertThat(Files.getAttribute(state, "unix:uid")).isEqualTo(NOBODY);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("hmac.key")))).isEqualTo("rw-------");
      agent.destroy();
      assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(out).lines().reduce((a, b) -> b).orElse("")).contains("\"event\":\"agent_stop\"");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretsDir))).isEqualTo("rwx------");
    } finally {
      agent.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
