package io.dso.cli.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Doctor's checks on real temp files, a real unix socket, and the command as a whole. */
class DoctorChecksTest {
  static final String CANARY = "canary-doctor-9b27d1";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path project(String compose, String env) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(dir.resolve("docker-compose.yml"), compose);
    if (env != null) {
      Files.writeString(dir.resolve(".env"), env);
    }
    return dir;
  }

  @Test
  void aPlaintextEnvIsAWarningThatNamesVariablesButNeverValues() throws IOException {
    Path dir = project("services: {}\n", "# comment\nexport DB_PASSWORD=\"" + CANARY + "\"\nAPI_TOKEN='" + CANARY
        + "'\nREF=dso://app/db\nEMPTY=\nMODE=dev\n");
    Check c = ComposeChecks.plaintextEnv(dir.resolve(".env"));
    assertThat(c.status()).isEqualTo(Check.Status.WARN);
    assertThat(c.detail()).isEqualTo(".env holds 3 plaintext value(s), 2 named like secrets: DB_PASSWORD, API_TOKEN");
    assertThat(c.fix()).contains("dso migrate");
    assertThat(c.toString()).doesNotContain(CANARY);
  }

  @Test
  void anEnvWithOnlyReferencesOrNoEnvPasses() throws IOException {
    Path dir = project("services: {}\n", "DB=dso://app/db\nURL=postgresql://dso://app/u:dso://app/p@db/app\n");
    assertThat(ComposeChecks.plaintextEnv(dir.resolve(".env")).detail()).isEqualTo(".env holds no plaintext value");
    assertThat(ComposeChecks.plaintextEnv(tmp.resolve("none/.env")).status()).isEqualTo(Check.Status.PASS);
  }

  @Test
  void malformedReferencesAreFoundWithFileLineAndReason() {
    List<String> lines = List.of(
        "services:",
        "  dso:",                                        // a service called dso: a YAML key, not a reference
        "    environment:",
        "      OK: dso://myapp/db_password",
        "      URL: postgresql://dso://myapp/user:dso://myapp/pass@db/app",
        "      F: dsofile://myapp/tls.key",
        "      A: dso:/myapp/a",
        "      B: \"dso://\"",
        "      C: \"dso://my app/c\"",
        "      D: dsofile://myapp//d",
        "      E: dso:// myapp/e",
        "      # G: dso:/commented",
        "      H: pseudo:/x",
        "    image: registry.example/team/dso:1.4",             // an image called dso
        "      I: dso:latest");
    List<ComposeChecks.Malformed> bad = ComposeChecks.malformed("compose.yml", lines);
    assertThat(bad).extracting(ComposeChecks.Malformed::render).containsExactly(
        "compose.yml:7: 'dso:/myapp/a' needs two slashes after the colon (dso://...)",
        "compose.yml:8: 'dso://' has no path after ://",
        "compose.yml:9: 'dso://my app/c' has a space inside the path",
        "compose.yml:10: 'dsofile://myapp//d' has an empty path segment (a leading, doubled or trailing slash)",
        "compose.yml:11: 'dso:// myapp/e' has a space after ://");
  }

  @Test
  void aDirectoryWithoutAComposeFileGetsNoComposeChecks() {
    assertThat(ComposeChecks.run(tmp)).isEmpty();
  }

  @Test
  void aSecretsDirOnTmpfsPassesAndOneOnADiskFails() throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm)) {
      assertThat(SystemChecks.secretsDir(shm, false).status()).isEqualTo(Check.Status.PASS);
      assertThat(SystemChecks.secretsDir(shm.resolve("dso-diag-test-absent/secrets"), false).detail())
          .contains("will be created on tmpfs");
    }
    Path disk = Files.createDirectories(Path.of("target", "diag-secrets-" + ProcessHandle.current().pid()));
    try {
      String type = io.dso.inject.SecretsDir.filesystemType(disk);
      if (!type.equals("tmpfs") && !type.equals("ramfs")) {
        Check c = SystemChecks.secretsDir(disk, false);
        assertThat(c.status()).isEqualTo(Check.Status.FAIL);
        assertThat(c.fix()).contains("--secrets-dir");
      }
    } finally {
      Files.deleteIfExists(disk);
    }
  }

  @Test
  void dockerCheckReadsVersionAndApiFromARealSocketAndRefusesOldApis() throws Exception {
    Path sock = tmp.resolve("docker.sock");
    String body = "{\"Version\":\"27.1.0\",\"ApiVersion\":\"1.46\"}";
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      Thread t = Thread.ofVirtual().start(() -> answerOnce(server, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body));
      Check c = SystemChecks.docker("unix://" + sock, Duration.ofSeconds(10));
      t.join(10_000);
      assertThat(c.status()).isEqualTo(Check.Status.PASS);
      assertThat(c.detail()).isEqualTo("Docker 27.1.0 (API 1.46) at unix://" + sock);
    }
    assertThat(SystemChecks.olderThan("1.40", "1.41")).isTrue();
    assertThat(SystemChecks.olderThan("1.41", "1.41")).isFalse();
    assertThat(SystemChecks.olderThan("2.0", "1.41")).isFalse();
  }

  @Test
  void noDaemonIsAFailureThatSaysHowToStartOne() {
    Check c = SystemChecks.docker("unix://" + tmp.resolve("absent.sock"), Duration.ofSeconds(2));
    assertThat(c.status()).isEqualTo(Check.Status.FAIL);
    assertThat(c.fix()).contains("DOCKER_HOST");
  }

  @Test
  void aMissingAgentSocketIsAFailure() {
    Check c = SystemChecks.socket(tmp.resolve("dso.sock"), tmp.resolve("dso.sock"));
    assertThat(c.status()).isEqualTo(Check.Status.FAIL);
    assertThat(c.fix()).contains("dso agent -c dso.yaml");
  }

  @Test
  void doctorJsonReportsThePlaintextEnvAndTheMalformedReferenceAndExitsOne() throws Exception {
    Path dir = project("services:\n  web:\n    environment:\n      A: dso:/myapp/a\n", "DB_PASSWORD=" + CANARY + "\n");
    Files.writeString(dir.resolve("dso.yaml"), """
        providers:
          local-env: { type: env }
        secrets:
          - { name: app-db, provider: local-env, inject: env }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new DoctorCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("--json", "--project-dir", dir.toString(), "-c", dir.resolve("dso.yaml").toString(),
        "--socket", tmp.resolve("no.sock").toString(), "--docker-host", "unix://" + tmp.resolve("no-docker.sock"),
        "--secrets-dir", "/dev/shm");
    assertThat(code).isEqualTo(1);
    JsonNode report = JSON.readTree(out.toString());
    assertThat(report.path("ok").asBoolean()).isFalse();
    java.util.Map<String, String> byName = new java.util.HashMap<>();
    report.path("checks").forEach(c -> byName.put(c.path("name").asText(), c.path("status").asText()));
    assertThat(byName).containsEntry("config", "PASS").containsEntry("plaintext .env", "WARN")
        .containsEntry("compose references", "FAIL").containsEntry("docker", "FAIL")
        .containsEntry("agent socket", "FAIL").containsEntry("provider local-env", "FAIL"); // DSO_SECRET_APP_DB unset
    assertThat(out.toString() + err).doesNotContain(CANARY);
  }

  @Test
  void aProjectDirThatIsMissingAFileOrHasNoComposeFileIsAFailureNotASilentPass() throws Exception {
    Path compose = project("services:\n  web:\n    image: x\n", null).resolve("docker-compose.yml");
    for (Path given : List.of(tmp.resolve("no-such-dir"), compose, Files.createDirectories(tmp.resolve("empty")))) {
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(new DoctorCommand());
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(new StringWriter()));
      int code = cli.execute("--json", "--project-dir", given.toString(), "-c", tmp.resolve("none.yaml").toString(),
          "--socket", tmp.resolve("no.sock").toString(), "--docker-host", "unix://" + tmp.resolve("no-docker.sock"),
          "--secrets-dir", "/dev/shm");
      assertThat(code).isEqualTo(1);
      JsonNode project = null;
      for (JsonNode c : JSON.readTree(out.toString()).path("checks")) {
        if (c.path("name").asText().equals("compose project")) {
          project = c;
        }
      }
      assertThat(project).as("a compose project check for " + given).isNotNull();
      assertThat(project.path("status").asText()).isEqualTo("FAIL");
      assertThat(project.toString()).contains(given.toString());
    }
  }

  private static void answerOnce(ServerSocketChannel server, String answer) {
    try (SocketChannel c = server.accept()) {
      ByteBuffer in = ByteBuffer.allocate(4096);
      c.read(in); // the request fits in one read
      c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
