package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.DockerCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's Compose workflow end to end, through the real {@code ./dso} launcher, a real agent
 * on its unix socket and docker-compose v1 on the rig daemon: {@code dso up -d} gives the services
 * their {@code dso://} values (one embedded in a longer string) and a {@code dsofile://} file, no file
 * on the host holds a value, the agent rotates a changed value into the running services, and
 * {@code dso down} removes them and purges the cache. A reference to a missing secret starts nothing.
 */
@Tag("docker")
class ComposeWorkflowIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMPOSE = """
      version: "2.4"
      services:
        app:
          image: dso-test/busybox:1
          init: true
          network_mode: none
          command: ["sleep", "3600"]
          environment:
            DB_PASS: dso://%1$s/pass
            DB_URL: postgresql://dso://%1$s/user:dso://%1$s/pass@db/app
            PLAIN: hello
        worker:
          image: dso-test/busybox:1
          init: true
          network_mode: none
          command: ["sleep", "3600"]
          environment:
            - CERT_FILE=dsofile://%2$s/cert
      """;

  @TempDir Path dir;
  private RotationFixture fx;
  private Path projectDir;
  private Path home;
  private Path shm;
  private Path socket;
  private String project;
  private String db;
  private String tls;
  private final List<String> projects = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    fx = new RotationFixture(dir);
    db = "dsoc" + fx.suffix + "/db";
    tls = "dsoc" + fx.suffix + "/tls";
    project = "dsocwf" + fx.suffix;
    projectDir = Files.createDirectories(dir.resolve("project"));
    home = dir.resolve("home");
    shm = DockerCli.shmDir();
    socket = dir.resolve("dso.sock");
    Files.writeString(projectDir.resolve("docker-compose.yml"), COMPOSE.formatted(db, tls));
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    for (String p : projects) {
      run(List.of("docker-compose", "-p", p, "-f", projectDir.resolve("docker-compose.yml").toString(), "down", "-t", "1"), Map.of());
      for (String id : fx.ok("ps", "-aq", "--filter", "label=com.docker.compose.project=" + p).lines().toList()) {
        fx.run("rm", "-f", id);
      }
    }
    fx.close();
    DockerCli.deleteTree(shm);
  }

  @Test
  void upInjectsRotatesAndDownPurgesWithoutAValueInAnyFile() throws Exception {
    String user1 = "canaryU1" + UUID.randomUUID().toString().substring(0, 8);
    String pass1 = "canaryP1" + UUID.randomUUID().toString().substring(0, 8) + " $x ${HOME} 'q' \"dq\"";
    String pass2 = "canaryP2" + UUID.randomUUID().toString().substring(0, 8) + " $$y";
    String cert1 = "canaryC1" + UUID.randomUUID().toString().substring(0, 8);
    String cert2 = "canaryC2" + UUID.randomUUID().toString().substring(0, 8);
    fx.writeSecrets(Map.of(db, Map.of("user", user1, "pass", pass1), tls, Map.of("cert", cert1)));
    Path config = fx.config("auto", 2, """
        - name: %s
          rotation: true
        - name: %s
          rotation: true
        """.formatted(db, tls));
    projects.add(project);
    try (AgentProcess agent = fx.start(config, Map.of("DSO_SOCKET", socket.toString()), "--secrets-dir", shm.toString())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(socket));

      Run dry = dso("up", "-p", project, "--dry-run", "--json", "-d");
      assertThat(dry.exit()).as(dry.toString()).isZero();
      JsonNode plan = JSON.readTree(dry.out());
      assertThat(plan.path("services").findValuesAsText("service")).containsExactlyInAnyOrder("app", "worker");
      assertThat(ps(project)).as("a dry run starts nothing").isEmpty();

      Run up = dso("up", "-p", project, "-d");
      assertThat(up.exit()).as(up.toString()).isZero();
      assertThat(up.err()).contains("rollout: 2/2 services ready");
      String app = container(project, "app");
      String worker = container(project, "worker");
      Map<String, String> env = RotationFixture.env(fx.inspect(app));
      assertThat(env).containsEntry("DB_PASS", pass1)
          .containsEntry("DB_URL", "postgresql://" + user1 + ":" + pass1 + "@db/app")
          .containsEntry("PLAIN", "hello");
      String certPath = "/run/dso/" + tls + "/cert";
      assertThat(RotationFixture.env(fx.inspect(worker))).containsEntry("CERT_FILE", certPath);
      assertThat(fx.ok("exec", worker, "cat", certPath)).isEqualTo(cert1);
      Run ps = dso("compose", "-p", project, "ps");
      assertThat(ps.exit()).as(ps.toString()).isZero();
      assertThat(ps.out()).contains(app).contains(worker);
      assertNoValueOnDisk(agent, List.of(user1, pass1, cert1), up, ps);

      fx.writeSecrets(Map.of(db, Map.of("user", user1, "pass", pass2), tls, Map.of("cert", cert2)));
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
        assertThat(RotationFixture.env(fx.inspect(container(project, "app")))).containsEntry("DB_PASS", pass2)
            .containsEntry("DB_URL", "postgresql://" + user1 + ":" + pass2 + "@db/app");
        assertThat(fx.ok("exec", container(project, "worker"), "cat", certPath)).isEqualTo(cert2);
      });
      assertNoValueOnDisk(agent, List.of(pass2, cert2), up);

      Run down = dso("down", "-p", project, "--json");
      assertThat(down.exit()).as(down.toString()).isZero();
      JsonNode summary = JSON.readTree(down.out());
      assertThat(summary.path("purged").asBoolean()).isTrue();
      List<String> purged = new ArrayList<>();
      summary.at("/agent/purged").forEach(n -> purged.add(n.asText()));
      assertThat(purged).containsExactlyInAnyOrder(db, tls);
      assertThat(ps(project)).as("containers after dso down").isEmpty();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(fx.audit("secret_purge")).extracting(r -> r.path("secret_name").asText()).contains(db, tls));
      assertThat(home.resolve("compose").resolve(project)).doesNotExist();
      agent.terminate();
    }
  }

  @Test
  void aReferenceToAMissingSecretNamesServiceVariableAndReferenceAndStartsNothing() throws Exception {
    fx.writeSecrets(Map.of(db, Map.of("user", "u", "pass", "p")));
    Path config = fx.config("auto", 2, """
        - name: %s
          rotation: true
        """.formatted(db));
    String missing = "dsoc" + fx.suffix + "/missing";
    Files.writeString(projectDir.resolve("docker-compose.yml"), """
        version: "2.4"
        services:
          app:
            image: dso-test/busybox:1
            init: true
            network_mode: none
            command: ["sleep", "3600"]
            environment:
              GOOD: dso://%s/pass
              BROKEN: "x:dso://%s"
        """.formatted(db, missing));
    projects.add(project);
    try (AgentProcess agent = fx.start(config, Map.of("DSO_SOCKET", socket.toString()), "--secrets-dir", shm.toString())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(socket));
      Run up = dso("up", "-p", project, "-d");
      assertThat(up.exit()).as(up.toString()).isNotZero();
      assertThat(up.err().lines().filter(l -> l.startsWith("dso: error:")).toList()).singleElement()
          .satisfies(l -> assertThat(l).contains("'app'").contains("BROKEN").contains("dso://" + missing));
      assertThat(ps(project)).as("nothing started").isEmpty();
      assertThat(home.resolve("compose").resolve(project)).as("nothing written").doesNotExist();
      agent.terminate();
    }
  }

  @Test
  void withoutAnAgentUpResolvesFromTheLocalVaultAndSaysThatRotationNeedsTheAgent() throws Exception {
    String name = "dsocv" + fx.suffix + "/token";
    String token = "canaryV" + UUID.randomUUID().toString().substring(0, 8) + " $v 'q'";
    socket = dir.resolve("no-agent.sock");
    Files.writeString(projectDir.resolve("docker-compose.yml"), """
        version: "2.4"
        services:
          app:
            image: dso-test/busybox:1
            init: true
            network_mode: none
            command: ["sleep", "3600"]
            environment:
              TOKEN: dso://%s
              AUTH: "Bearer dso://%s"
        """.formatted(name, name));
    Run init = dsoWithInput("", "init");
    assertThat(init.exit()).as(init.toString()).isZero();
    Run set = dsoWithInput(token, "secret", "set", name);
    assertThat(set.exit()).as(set.toString()).isZero();
    projects.add(project);

    Run up = dso("up", "-p", project, "-d");
    assertThat(up.exit()).as(up.toString()).isZero();
    assertThat(up.err()).contains("rotation needs the agent (start it with 'dso agent')");
    assertThat(RotationFixture.env(fx.inspect(container(project, "app"))))
        .containsEntry("TOKEN", token).containsEntry("AUTH", "Bearer " + token);
    Path daemonState = Path.of(fx.ok("info", "--format", "{{.DockerRootDir}}")).getParent();
    assertThat(up.out() + up.err()).doesNotContain(token);
    assertThat(filesContaining(Path.of("/tmp"), token.substring(0, 15), daemonState)).as("files holding the value").isEmpty();

    Run down = dso("down", "-p", project);
    assertThat(down.exit()).as(down.toString()).isZero();
    assertThat(down.err()).contains("no agent running: nothing to purge");
    assertThat(ps(project)).isEmpty();
  }

  /**
   * No file holds a value: /tmp, the project, DSO_HOME and the agent's state, except the provider's
   * own secrets.json and, for env values only, the daemon's state (data root and exec root keep a
   * container's env by design of env injection); a file value is found nowhere, Docker's included.
   */
  private void assertNoValueOnDisk(AgentProcess agent, List<String> canaries, Run... outputs) throws Exception {
    Path daemonState = Path.of(fx.ok("info", "--format", "{{.DockerRootDir}}")).getParent();
    for (String canary : canaries) {
      for (Run r : outputs) {
        assertThat(r.out() + r.err()).as("dso's output").doesNotContain(canary);
      }
      boolean fileValue = canary.startsWith("canaryC");
      List<Path> hits = new ArrayList<>();
      for (Path root : List.of(Path.of("/tmp"), projectDir, home, agent.stateDir, daemonState)) {
        if (!root.equals(Path.of("/tmp")) && root.toAbsolutePath().startsWith("/tmp")) {
          continue; // walked with /tmp
        }
        hits.addAll(filesContaining(root, canary, fileValue ? null : daemonState));
      }
      // the local provider's own store is where the values live, as vault.enc is for the vault
      hits.removeIf(p -> p.getFileName().toString().matches("\\.?secrets\\.json(\\.tmp)?") && p.getParent().equals(dir));
      assertThat(hits).as("files holding a value").isEmpty();
    }
  }

  private static List<Path> filesContaining(Path root, String needle, Path skip) throws IOException {
    List<Path> hits = new ArrayList<>();
    if (!Files.exists(root)) {
      return hits;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        return skip != null && d.startsWith(skip) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && attrs.size() < (64 << 20)) {
          try {
            if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(needle)) {
              hits.add(file);
            }
          } catch (IOException e) {
            // gone or unreadable while we walked: not a hit
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

  private List<String> ps(String p) {
    String out = fx.ok("ps", "-aq", "--filter", "label=com.docker.compose.project=" + p);
    return out.isBlank() ? List.of() : out.lines().toList();
  }

  /** The one container (by name) Compose runs for {@code service}. */
  private String container(String p, String service) {
    String out = fx.ok("ps", "--filter", "label=com.docker.compose.project=" + p,
        "--filter", "label=com.docker.compose.service=" + service, "--format", "{{.Names}}");
    List<String> names = out.isBlank() ? List.of() : out.lines().toList();
    assertThat(names).as("running containers of %s", service).hasSize(1);
    return names.getFirst();
  }

  private record Run(int exit, String out, String err) {}

  private Run dso(String... args) {
    return dsoWithInput("", args);
  }

  /** Runs {@code ./dso args} in the project directory with {@code stdin} as its input. */
  private Run dsoWithInput(String stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of(AgentProcess.repoRoot().resolve("dso").toString()));
    cmd.addAll(List.of(args));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DOCKER_HOST", fx.host);
    env.put("DSO_SOCKET", socket.toString());
    env.put("DSO_HOME", home.toString());
    env.put("DSO_SKIP_BUILD", "1");
    return run(cmd, env, stdin);
  }

  private Run run(List<String> cmd, Map<String, String> env) {
    return run(cmd, env, "");
  }

  private Run run(List<String> cmd, Map<String, String> env, String stdin) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(projectDir.toFile());
      pb.environment().put("DOCKER_HOST", fx.host);
      pb.environment().putAll(env);
      Process p = pb.start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(cmd + " did not finish within 180 s");
      }
      return new Run(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
