package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local vault through the real {@code ./dso} launcher, with {@code DSO_HOME} in a temporary
 * directory: concurrent writers lose nothing, damage and a wrong key are clear one-line errors, a
 * value never reaches a file or stdout in clear, and the agent serves an entry to a labelled container.
 */
class LocalVaultIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Run(int exit, String stdout, String stderr) {}

  /** A started {@code ./dso}, with the files its output goes to. */
  record Started(Process process, Path out, Path err) {
    Run finish() throws Exception {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("dso finishes").isTrue();
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
  }

  Path home() {
    return dir.resolve("dso-home");
  }

  /** Starts {@code ./dso args} with DSO_HOME set; {@code stdin} is written and closed when not null. */
  Started start(String stdin, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(AgentProcess.repoRoot().resolve("dso").toString());
    cmd.addAll(List.of(args));
    String id = UUID.randomUUID().toString().substring(0, 8);
    Path out = dir.resolve("run-" + id + ".out");
    Path err = dir.resolve("run-" + id + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_HOME", home().toString());
    pb.environment().remove("DSO_MASTER_KEY");
    pb.environment().putAll(env);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    return new Started(p, out, err);
  }

  Run dso(String stdin, Map<String, String> env, String... args) throws Exception {
    return start(stdin, env, args).finish();
  }

  Run dso(String... args) throws Exception {
    return dso(null, Map.of(), args);
  }

  // ---- tests ----

  @Test
  void twoConcurrentSetsOfDifferentKeysBothSurviveEveryRound() throws Exception {
    assertThat(dso("init").exit()).isZero();
    int rounds = 4;
    for (int r = 0; r < rounds; r++) {
      Started a = start("value-a-" + r + "\n", Map.of(), "secret", "set", "proj/a" + r);
      Started b = start("value-b-" + r + "\n", Map.of(), "secret", "set", "proj/b" + r);
      Run ra = a.finish();
      Run rb = b.finish();
      assertThat(ra.exit()).as("round %d a: %s", r, ra.stderr()).isZero();
      assertThat(rb.exit()).as("round %d b: %s", r, rb.stderr()).isZero();
    }
    Run list = dso("secret", "list", "--json");
    assertThat(list.exit()).isZero();
    JsonNode entries = JSON.readTree(list.stdout());
    List<String> names = new ArrayList<>();
    entries.forEach(e -> names.add(e.path("name").asText()));
    List<String> expected = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      expected.add("proj/a" + r);
      expected.add("proj/b" + r);
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(dso("secret", "get", "proj/b3", "--reveal").stdout()).isEqualTo("value-b-3\n");
  }

  @Test
  void aWriterWaitsWhileAnotherProcessHoldsTheVaultLock() throws Exception {
    assertThat(dso("init").exit()).isZero();
    Path vault = home().resolve("vault.enc");
    byte[] before = Files.readAllBytes(vault);
    Started set;
    try (FileChannel lockFile = FileChannel.open(home().resolve("vault.lock"), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock held = lockFile.lock()) {
      set = start("while-locked\n", Map.of(), "secret", "set", "proj/locked");
      Path fds = Path.of("/proc", String.valueOf(set.process().pid()), "fd");
      // Once the CLI has vault.lock open it is at the lock we hold, so it can only wait.
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> opens(fds, "vault.lock"));
      Thread.sleep(1000);
      assertThat(set.process().isAlive()).as("the writer waits for the lock").isTrue();
      assertThat(Files.readAllBytes(vault)).as("nothing written while another process holds the lock").isEqualTo(before);
      assertThat(held.isValid()).isTrue();
    }
    Run done = set.finish();
    assertThat(done.exit()).as(done.stderr()).isZero();
    assertThat(dso("secret", "get", "proj/locked", "--reveal").stdout()).isEqualTo("while-locked\n");
  }

  static boolean opens(Path fdDir, String fileName) {
    try (var fds = Files.list(fdDir)) {
      return fds.anyMatch(fd -> {
        try {
          return Files.readSymbolicLink(fd).getFileName().toString().equals(fileName);
        } catch (IOException | UnsupportedOperationException e) {
          return false;
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aFlippedByteAndAWrongMasterKeyAreClearOneLineErrors() throws Exception {
    assertThat(dso("init").exit()).isZero();
    assertThat(dso("s3cret\n", Map.of(), "secret", "set", "proj/x").exit()).isZero();

    Run wrongKey = dso(null, Map.of("DSO_MASTER_KEY", "definitely-not-the-key"), "secret", "get", "proj/x");
    assertThat(wrongKey.exit()).isEqualTo(1);
    assertOneLine(wrongKey.stderr());
    assertThat(wrongKey.stderr()).contains(home().resolve("vault.enc").toString())
        .contains("not written with this master key").contains("DSO_MASTER_KEY");

    Path vault = home().resolve("vault.enc");
    byte[] bytes = Files.readAllBytes(vault);
    bytes[bytes.length - 20] ^= 0x10;
    Files.write(vault, bytes);
    for (String[] args : List.of(new String[] {"secret", "list"}, new String[] {"secret", "get", "proj/x"},
        new String[] {"secret", "list", "--json"})) {
      Run damaged = dso(args);
      assertThat(damaged.exit()).as(String.join(" ", args)).isEqualTo(1);
      assertOneLine(damaged.stderr());
      assertThat(damaged.stderr()).contains(vault.toString()).contains("damaged or was modified").contains("backup");
      assertThat(damaged.stdout()).as("no empty listing instead of the error").isEmpty();
    }
    Run set = dso("other\n", Map.of(), "secret", "set", "proj/y");
    assertThat(set.exit()).as("a write never replaces a damaged vault").isEqualTo(1);
    assertThat(Files.readAllBytes(vault)).isEqualTo(bytes);
  }

  @Test
  void aCanaryReachesNoFileAndNoStdoutWithoutReveal() throws Exception {
    Instant started = Instant.now().minusSeconds(1);
    String canary = "CANARY-lvault-" + UUID.randomUUID();
    assertThat(dso("init").exit()).isZero();
    assertThat(dso(canary + "\n", Map.of(), "secret", "set", "proj/canary").exit()).isZero();
    Path valueFile = Files.createTempFile(dir, "value", ".txt");
    Files.writeString(valueFile, canary + "-file");
    assertThat(dso("secret", "set", "proj/fromfile", "--from-file", valueFile.toString()).exit()).isZero();
    Files.delete(valueFile);

    List<Run> quiet = List.of(dso("secret", "get", "proj/canary"), dso("secret", "get", "proj/canary", "--json"),
        dso("secret", "list"), dso("secret", "list", "--json"), dso("secret", "get", "proj/fromfile"));
    for (Run r : quiet) {
      assertThat(r.exit()).isZero();
      assertThat(r.stdout() + r.stderr()).doesNotContain(canary);
    }
    assertThat(dso("secret", "get", "proj/canary").stdout()).contains("********");
    JsonNode masked = JSON.readTree(dso("secret", "get", "proj/canary", "--json").stdout());
    assertThat(masked.path("revealed").asBoolean()).isFalse();
    assertThat(masked.path("size").asInt()).isEqualTo(canary.length());
    for (String[] reveal : List.of(new String[] {"proj/canary", canary}, new String[] {"proj/fromfile", canary + "-file"})) {
      Started r = start(null, Map.of(), "secret", "get", reveal[0], "--reveal");
      assertThat(r.finish().stdout()).isEqualTo(reveal[1] + "\n");
      Files.delete(r.out()); // asked for: the only place the value may be in clear
    }

    // every file under DSO_HOME and the test's own files (outputs of the runs above), /tmp and /dev/shm
    assertThat(home().resolve("vault.enc")).exists();
    assertThat(DockerCli.filesContaining(dir, canary)).as("files holding the canary in clear").isEmpty();
    assertThat(recentFilesContaining(Path.of("/tmp"), canary, started)).as("files in /tmp").isEmpty();
    assertThat(recentFilesContaining(Path.of("/dev/shm"), canary, started)).as("files in /dev/shm").isEmpty();
  }

  @Tag("docker")
  @Test
  void anAgentWithALocalvaultProviderServesAnEntryToALabelledContainerAndFollowsAChange() throws Exception {
    String name = "lv-" + UUID.randomUUID().toString().substring(0, 8) + "/api";
    String v1 = "CANARY-lvagent1-" + UUID.randomUUID();
    String v2 = "CANARY-lvagent2-" + UUID.randomUUID();
    assertThat(dso("init").exit()).isZero();
    assertThat(dso(v1 + "\n", Map.of(), "secret", "set", name).exit()).isZero();
    Path agentDir = Files.createDirectory(dir.resolve("agent"));
    Path config = agentDir.resolve("dso.yaml");
    Files.writeString(config, """
        providers:
          dev: { type: localvault }
        agent:
          watch: { polling_interval: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
          - name: %s
            provider: dev
            inject: env
            mappings: { value: API_TOKEN }
            rotation: true
        """.formatted(name));
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(agentDir, config, metricsPort, apiPort,
            Map.of("DOCKER_HOST", docker.host, "DSO_HOME", home().toString()))) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(AgentProcess.get(apiPort, "/ready").statusCode()).isEqualTo(200));
      String container = docker.name("lvault");
      docker.runDetached(container, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + name,
          "--label", "dso.update.strategy=restart"), DockerCli.BUSYBOX, "sleep", "3600");
      await().atMost(Duration.ofSeconds(45)).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(container)).containsEntry("API_TOKEN", v1));

      assertThat(dso(v2 + "\n", Map.of(), "secret", "set", name).exit()).isZero();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(container)).containsEntry("API_TOKEN", v2));
      agent.terminate();
    }
    for (String log : List.of("stdout.log", "stderr.log", "audit.log")) {
      String text = Files.readString(agentDir.resolve(log));
      assertThat(text).as(log).doesNotContain(v1).doesNotContain(v2);
    }
    assertThat(Files.readString(agentDir.resolve("audit.log"))).contains(name);
  }

  static void assertOneLine(String stderr) {
    assertThat(stderr.strip()).doesNotContain("\n").startsWith("dso: error: ").doesNotContain("Exception");
  }

  static List<Path> recentFilesContaining(Path root, String needle, Instant since) throws IOException {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    FileTime after = FileTime.from(since);
    List<Path> hits = new ArrayList<>();
    int[] budget = {100_000};
    Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), 12, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (--budget[0] < 0) {
          return FileVisitResult.TERMINATE;
        }
        if (attrs.isRegularFile() && attrs.size() <= (16 << 20) && attrs.lastModifiedTime().compareTo(after) >= 0) {
          try {
            if (contains(Files.readAllBytes(file), n)) {
              hits.add(file);
            }
          } catch (IOException e) {
            // gone or unreadable meanwhile: not a hit
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return hits;
  }

  static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
