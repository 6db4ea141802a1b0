package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.DockerCli;
import io.dso.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dso status, fetch, sync, watch, logs, doctor} through the real launcher against the real
 * agent on its unix socket and the rig daemon: status lists the secret, provider and container;
 * fetch masks unless --reveal; sync after a change reports it; watch prints the rotation; doctor
 * finds a plaintext .env and a malformed reference; no canary is printed without --reveal.
 */
@Tag("docker")
class DiagCommandsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Run(int exit, String stdout, String stderr) {}

  Run dso(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(AgentProcess.repoRoot().resolve("dso").toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".log");
    Path err = Files.createTempFile(dir, "err", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().remove("DSO_SOCKET");
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("dso %s finishes", List.of(args)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static void writeSecret(Path file, String name, String value) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "{\"%s\": {\"DB_PASSWORD\": \"%s\"}}".formatted(name, value));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void diagnosticsShowTheAgentWithoutValuesAndFollowARotation() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String secret = "e2e-diag-" + tag + "/db";
    String v1 = "CANARY-diag1-" + UUID.randomUUID();
    String v2 = "CANARY-diag2-" + UUID.randomUUID();
    Path secretsJson = dir.resolve("secrets.json");
    writeSecret(secretsJson, secret, v1);
    Path config = dir.resolve("dso.yaml");
    // A long poll: the change below is found by `dso sync`, not by the poller.
    Files.writeString(config, """
        providers:
          files: { type: local, config: { path: secrets.json } }
        agent:
          watch: { polling_interval: 10m }
          restart_strategy: { grace_period: 1s }
        secrets:
          - name: %s
            provider: files
            inject: env
            rotation: true
        """.formatted(secret));
    Path socket = dir.resolve("dso.sock");
    String sock = socket.toString();
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    List<String> printed = new ArrayList<>();
    Process watch = null;
    Path watchOut = dir.resolve("watch.out");
    try (DockerCli docker = new DockerCli();
        AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort, Map.of("DOCKER_HOST", docker.host),
            "--socket", sock)) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      String app = docker.name("diag");
      docker.runDetached(app, List.of("--label", "dso.reloader=true", "--label", "dso.secrets=" + secret,
          "--label", "dso.update.strategy=restart"), DockerCli.BUSYBOX, "sleep", "3600");
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(app)).containsEntry("DB_PASSWORD", v1));

      // status: JSON for machines, tables for people
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Run status = dso(dir, "status", "--json", "--socket", sock);
        assertThat(status.exit()).as(status.stderr()).isZero();
        JsonNode s = JSON.readTree(status.stdout());
        assertThat(s.at("/providers/0/name").asText()).isEqualTo("files");
        assertThat(s.at("/providers/0/type").asText()).isEqualTo("local");
        assertThat(s.at("/providers/0/healthy").asBoolean()).isTrue();
        assertThat(s.at("/secrets/0/name").asText()).isEqualTo(secret);
        assertThat(s.at("/secrets/0/version").asText()).matches("[0-9a-f]{12}");
        assertThat(s.at("/secrets/0/containers").toString()).contains(app);
        assertThat(s.at("/containers/0/name").asText()).isEqualTo(app);
        printed.add(status.stdout());
      });
      Run human = dso(dir, "status", "--socket", sock);
      assertThat(human.exit()).as(human.stderr()).isZero();
      assertThat(human.stdout()).contains("PROVIDERS", "SECRETS", "CONTAINERS", "RECENT ROTATIONS", secret, app)
          .doesNotContain("\u001b[");
      printed.add(human.stdout());

      // fetch: masked unless --reveal
      Run masked = dso(dir, "fetch", secret, "--socket", sock);
      assertThat(masked.exit()).as(masked.stderr()).isZero();
      assertThat(masked.stdout()).contains("DB_PASSWORD", "********", "--reveal");
      Run maskedJson = dso(dir, "fetch", secret, "--json", "--socket", sock);
      assertThat(JSON.readTree(maskedJson.stdout()).at("/data/DB_PASSWORD").asText()).isEqualTo("********");
      printed.add(masked.stdout() + masked.stderr() + maskedJson.stdout() + maskedJson.stderr());
      Run revealed = dso(dir, "fetch", secret, "--reveal", "--json", "--socket", sock);
      assertThat(JSON.readTree(revealed.stdout()).at("/data/DB_PASSWORD").asText()).isEqualTo(v1);
      Run missing = dso(dir, "fetch", "e2e-diag-" + tag + "/nope", "--socket", sock);
      assertThat(missing.exit()).as(missing.stderr()).isEqualTo(4);

      // watch in the background, then a change found by sync rotates the container
      ProcessBuilder pb = new ProcessBuilder(AgentProcess.repoRoot().resolve("dso").toString(), "watch", "--socket", sock)
          .directory(dir.toFile()).redirectOutput(watchOut.toFile()).redirectError(dir.resolve("watch.err").toFile());
      pb.environment().put("DSO_SKIP_BUILD", "1");
      watch = pb.start();
      Thread.sleep(3_000); // let watch subscribe: it prints only what happens after it connects
      writeSecret(secretsJson, secret, v2);
      Run sync = dso(dir, "sync", "--secret", secret, "--json", "--socket", sock);
      assertThat(sync.exit()).as(sync.stderr()).isZero();
      JsonNode result = JSON.readTree(sync.stdout()).at("/results/0");
      assertThat(result.path("secret").asText()).isEqualTo(secret);
      assertThat(result.path("changed").asBoolean()).as(sync.stdout()).isTrue();
      printed.add(sync.stdout() + sync.stderr());
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(docker.execEnv(app)).containsEntry("DB_PASSWORD", v2));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(Files.readString(watchOut)).containsPattern("secret_rotate +success secret=" + java.util.regex.Pattern.quote(secret)));
      watch.destroy();
      assertThat(watch.waitFor(10, TimeUnit.SECONDS)).isTrue();
      printed.add(Files.readString(watchOut) + Files.readString(dir.resolve("watch.err")));

      // status now lists the rotation; logs prints recent records as JSON lines
      Run after = dso(dir, "status", "--json", "--socket", sock);
      JsonNode rotation = JSON.readTree(after.stdout()).at("/rotations/0");
      assertThat(rotation.path("secret").asText()).isEqualTo(secret);
      assertThat(rotation.path("container").asText()).isEqualTo(app);
      assertThat(rotation.path("strategy").asText()).isEqualTo("restart");
      assertThat(rotation.path("result").asText()).isEqualTo("success");
      printed.add(after.stdout());
      Run logs = dso(dir, "logs", "--json", "--tail", "100", "--socket", sock);
      assertThat(logs.exit()).as(logs.stderr()).isZero();
      List<String> events = new ArrayList<>();
      for (String line : logs.stdout().strip().split("\n")) {
        events.add(JSON.readTree(line).path("event").asText());
      }
      assertThat(events).contains("secret_fetch", "secret_rotate");
      printed.add(logs.stdout() + logs.stderr());

      for (String text : printed) {
        assertThat(text).doesNotContain(v1).doesNotContain(v2);
      }
    } finally {
      if (watch != null && watch.isAlive()) {
        watch.destroyForcibly();
      }
    }
  }

  @Test
  void withoutAnAgentEveryAgentCommandExitsThreeAndSaysHowToStartOne() throws Exception {
    String sock = dir.resolve("absent.sock").toString();
    for (List<String> args : List.of(List.of("status"), List.of("sync"), List.of("fetch", "x"), List.of("watch"),
        List.of("logs"))) {
      List<String> all = new ArrayList<>(args);
      all.addAll(List.of("--socket", sock));
      Run r = dso(dir, all.toArray(String[]::new));
      assertThat(r.exit()).as("%s: %s", args, r.stderr()).isEqualTo(3);
      assertThat(r.stderr().strip()).isEqualTo(
          "dso: error: the agent is not running (socket " + sock + "): start it with `dso agent -c dso.yaml`");
      assertThat(r.stdout()).isEmpty();
    }
  }

  @Test
  void doctorInAComposeProjectReportsThePlaintextEnvAndTheMalformedReference() throws Exception {
    String canary = "CANARY-doctor-" + UUID.randomUUID();
    Path project = Files.createDirectories(dir.resolve("project"));
    Files.writeString(project.resolve("docker-compose.yml"), """
        services:
          web:
            image: dso-test/busybox:1
            network_mode: none
            environment:
              GOOD: dso://myapp/token
              BAD: dso:/myapp/password
        """);
    Files.writeString(project.resolve(".env"), "DB_PASSWORD=" + canary + "\n");
    Run human = dso(project, "doctor", "--socket", dir.resolve("absent.sock").toString());
    assertThat(human.exit()).isEqualTo(1);
    assertThat(human.stdout()).contains("WARN  plaintext .env", "DB_PASSWORD", "dso migrate",
        "FAIL  compose references", "docker-compose.yml:7: 'dso:/myapp/password'", "FAIL  agent socket");
    Run json = dso(project, "doctor", "--json", "--socket", dir.resolve("absent.sock").toString());
    assertThat(json.exit()).isEqualTo(1);
    JsonNode report = JSON.readTree(json.stdout());
    assertThat(report.path("ok").asBoolean()).isFalse();
    assertThat(report.path("checks").findValuesAsText("name")).contains("docker", "plaintext .env", "compose references");
    assertThat(human.stdout() + human.stderr() + json.stdout() + json.stderr()).doesNotContain(canary);
  }
}
