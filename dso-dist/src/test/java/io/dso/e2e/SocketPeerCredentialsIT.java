package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent's unix socket with real peers: a user created here is kept out by the socket's
 * mode, refused with 403 and audited by name (and a uid without a name as {@code uid:<n>}) when the
 * mode is loosened, and served once it joins group {@code dso}; root is served and audited as
 * {@code root}. Values come only over the socket: the TCP API answers 404/403 on every value path,
 * and the canary reaches neither the agent's output nor its audit log. No Docker needed.
 */
@Tag("e2e")
class SocketPeerCredentialsIT {
  private static final String CANARY = "CANARY-sock-peercred-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private static final String SECRET = "sockit/db-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private static final int NAMELESS_UID = 54_321;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path open;
  private Path socket;
  private String user;
  private boolean createdGroup;
  private AgentProcess agent;

  @AfterEach
  void cleanUp() throws Exception {
    if (agent != null && agent.alive()) {
      agent.terminate();
    }
    if (user != null) {
      run(List.of("userdel", user));
    }
    if (createdGroup) {
      run(List.of("groupdel", "dso"));
    }
    if (open != null) {
      run(List.of("rm", "-rf", open.toString()));
    }
  }

  @Test
  void onlyRootTheAgentsUserAndGroupDsoAreServedAndEveryRefusalIsAuditedWithThePeer() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "creating users needs root (CI runs as root)");
    // The socket's directory must be reachable by the test user: @TempDir is 0700 root.
    open = Files.createTempDirectory(Path.of("/tmp"), "dso-sockit-");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    socket = open.resolve("run/dso.sock");
    user = "dsosk" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    assertThat(retried(List.of("useradd", "-M", "-s", "/usr/sbin/nologin", user)).exit()).as("useradd").isZero();
    int uid = Integer.parseInt(run(List.of("id", "-u", user)).out().trim());
    boolean groupExisted = run(List.of("getent", "group", "dso")).exit() == 0;

    Files.writeString(dir.resolve("secrets.json"), "{\"" + SECRET + "\": {\"password\": \"" + CANARY + "\"}}");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        secrets:
          - name: %s
        """.formatted(SECRET));
    agent = startAgent(config);

    PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-rw----");
    if (!groupExisted) {
      // mode 0660 and not in the socket's group: the kernel refuses the connection before the agent sees it
      Run kept = asUser(user, "GET", "/api/secrets", null);
      assertThat(kept.exit()).as("curl as %s cannot connect: %s", user, kept.err()).isEqualTo(7);
      assertThat(probe(user, "/api/secrets").out().trim())
          .isEqualTo("ERROR 403 permission denied on " + socket + ": run as root or join group dso (usermod -aG dso $USER)");
    }

    // The second lock: with the mode loosened, the agent itself refuses and names the caller.
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    Run refused = asUser(user, "GET", "/api/secrets", null);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(refused.body()).contains("permission denied").contains("usermod -aG dso " + user);
    Run refusedFetch = asUser(user, "POST", "/api/fetch", "{\"secret\":\"" + SECRET + "\"}");
    assertThat(refusedFetch.status()).isEqualTo(403);
    assertThat(refusedFetch.body()).doesNotContain(CANARY);
    assertThat(probe(user, "/api/secrets").out().trim())
        .startsWith("ERROR 403 permission denied: " + user + " may not use this agent's socket");
    Run nameless = curl(List.of("setpriv", "--reuid", "" + NAMELESS_UID, "--regid", "" + NAMELESS_UID, "--clear-groups"),
        "GET", "/health", null);
    assertThat(nameless.status()).as(nameless.toString()).isEqualTo(403);

    List<JsonNode> audit = audit();
    assertThat(audit).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("api_denied");
      assertThat(r.path("user").asText()).isEqualTo(user);
      assertThat(r.path("uid").asInt()).isEqualTo(uid);
      assertThat(r.path("status").asText()).isEqualTo("failed");
      assertThat(r.path("path").asText()).isEqualTo("/api/secrets");
    });
    assertThat(audit).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("secret_fetch");
      assertThat(r.path("user").asText()).isEqualTo(user);
      assertThat(r.path("status").asText()).isEqualTo("failed");
      assertThat(r.path("http_status").asInt()).isEqualTo(403);
    });
    assertThat(audit).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("api_denied");
      assertThat(r.path("user").asText()).isEqualTo("uid:" + NAMELESS_UID);
      assertThat(r.path("uid").asInt()).isEqualTo(NAMELESS_UID);
    });

    // Root is served, and its read is audited as root.
    Run root = curl(List.of(), "POST", "/api/fetch", "{\"secret\":\"" + SECRET + "\"}");
    assertThat(root.status()).as(root.toString()).isEqualTo(200);
    JsonNode value = JSON.readTree(root.body());
    assertThat(value.path("data").path("password").asText()).isEqualTo(CANARY);
    assertThat(value.path("version").asText()).matches("[0-9a-f]{12}");
    assertThat(audit()).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("secret_fetch");
      assertThat(r.path("user").asText()).isEqualTo("root");
      assertThat(r.path("secret_name").asText()).isEqualTo(SECRET);
      assertThat(r.path("status").asText()).isEqualTo("success");
      assertThat(r.path("source").asText()).as("served from the cache the first fetch filled").isEqualTo("cache");
    });
    Run sync = curl(List.of(), "POST", "/api/sync", "{}");
    assertThat(sync.status()).as(sync.toString()).isEqualTo(200);
    assertThat(JSON.readTree(sync.body()).path("results").get(0).path("secret").asText()).isEqualTo(SECRET);
    assertThat(sync.body()).doesNotContain(CANARY);

    // Values never over TCP, whatever the method.
    for (String path : List.of("/api/fetch", "/api/sync", "/api/purge", "/api/audit/stream")) {
      for (String method : List.of("GET", "POST")) {
        HttpResponse<String> r = AgentProcess.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + path))
            .method(method, HttpRequest.BodyPublishers.ofString("{\"secret\":\"" + SECRET + "\",\"secrets\":[\"" + SECRET + "\"]}"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("TCP %s %s", method, path).isIn(403, 404);
        assertThat(r.body()).doesNotContain(CANARY);
      }
    }

    // A clean stop removes the socket; started again once group dso exists, the socket belongs to it.
    agent.terminate();
    assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("socket removed on a clean stop").isFalse();
    assertThat(probe(null, "/health").out().trim()).as("no socket: no agent").isEqualTo("EMPTY");
    if (!groupExisted) {
      Run add = retried(List.of("groupadd", "dso"));
      createdGroup = add.exit() == 0;
      assertThat(add.exit()).as("groupadd dso: %s", add.err()).isIn(0, 9);
    }
    assertThat(retried(List.of("gpasswd", "-a", user, "dso")).exit()).as("gpasswd -a").isZero();
    Path firstAudit = dir.resolve("audit-first.log");
    Files.move(dir.resolve("audit.log"), firstAudit);
    // Without a value cache every read is a provider fetch, audited by the fetch itself with the caller.
    Files.writeString(config, Files.readString(config) + "agent: { cache: false }\n");
    agent = startAgent(config);
    a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertThat(a.group().getName()).isEqualTo("dso");
    assertThat(PosixFilePermissions.toString(a.permissions())).isEqualTo("rw-rw----");
    Run member = asUser(user, "POST", "/api/fetch", "{\"secret\":\"" + SECRET + "\"}");
    assertThat(member.status()).as(member.toString()).isEqualTo(200);
    assertThat(JSON.readTree(member.body()).path("data").path("password").asText()).isEqualTo(CANARY);
    assertThat(audit()).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("secret_fetch");
      assertThat(r.path("user").asText()).isEqualTo(user);
      assertThat(r.path("status").asText()).isEqualTo("success");
      assertThat(r.has("source")).as("a provider fetch, not a cache read").isFalse();
    });
    assertThat(probe(user, "/api/secrets").out()).contains("\"name\":\"" + SECRET + "\"");
    Run purge = asUser(user, "POST", "/api/purge", "{\"secrets\":[\"" + SECRET + "\"]}");
    assertThat(purge.status()).as(purge.toString()).isEqualTo(200);
    assertThat(audit()).anySatisfy(r -> {
      assertThat(r.path("event").asText()).isEqualTo("secret_purge");
      assertThat(r.path("user").asText()).isEqualTo(user);
      assertThat(r.path("secret_name").asText()).isEqualTo(SECRET);
    });
    agent.terminate();

    for (Path log : List.of(firstAudit, dir.resolve("audit.log"), agent.stdout, agent.stderr)) {
      assertThat(Files.readString(log)).as(log.getFileName().toString()).doesNotContain(CANARY);
    }
  }

  private AgentProcess startAgent(Path config) throws Exception {
    AgentProcess p = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
        Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")), "--socket", socket.toString());
    p.awaitMetrics(Duration.ofSeconds(60));
    // The socket is bound, then set to 0660 (and group dso): wait for the last step, bounded.
    boolean dsoGroup = run(List.of("getent", "group", "dso")).exit() == 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!settled(dsoGroup) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return p;
  }

  private boolean settled(boolean dsoGroup) {
    try {
      PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return PosixFilePermissions.toString(a.permissions()).equals("rw-rw----") && (!dsoGroup || a.group().getName().equals("dso"));
    } catch (IOException e) {
      return false;
    }
  }

  private List<JsonNode> audit() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("audit.log"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** The outcome of one command: exit code, stdout, stderr; for curl also the HTTP status and body. */
  record Run(int exit, String out, String err) {
    int status() {
      int nl = out.lastIndexOf('\n');
      return Integer.parseInt(out.substring(nl + 1).trim());
    }

    String body() {
      int nl = out.lastIndexOf('\n');
      return nl < 0 ? "" : out.substring(0, nl);
    }
  }

  /** The CLI's client in a JVM of its own, as {@code name} (null: as root). */
  private Run probe(String name, String path) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (name != null) {
      cmd.addAll(List.of("setpriv", "--reuid", name, "--regid", name, "--init-groups"));
    }
    // dist/lib and the test classes: /root/.m2 is not readable by the test user
    String cp = AgentProcess.repoRoot().resolve("dist/lib") + "/*:" + Path.of(SocketClientProbe.class.getProtectionDomain()
        .getCodeSource().getLocation().toURI());
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "-cp", cp,
        SocketClientProbe.class.getName(), socket.toString(), path));
    Run r = run(cmd);
    assertThat(r.exit()).as("probe: %s", r.err()).isZero();
    return r;
  }

  private Run asUser(String name, String method, String path, String body) throws Exception {
    return curl(List.of("setpriv", "--reuid", name, "--regid", name, "--init-groups"), method, path, body);
  }

  private Run curl(List<String> prefix, String method, String path, String body) throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of("curl", "-sS", "--max-time", "20", "--unix-socket", socket.toString(), "-X", method,
        "-w", "\n%{http_code}", "-H", "Content-Type: application/json"));
    if (body != null) {
      cmd.addAll(List.of("--data-binary", body));
    }
    cmd.add("http://localhost" + path);
    return run(cmd);
  }

  /** useradd, groupadd and gpasswd fail while another process holds the account files' lock: a few tries. */
  private static Run retried(List<String> cmd) throws Exception {
    Run r = run(cmd);
    for (int i = 0; i < 10 && r.exit() != 0 && r.err().contains("lock"); i++) {
      Thread.sleep(500);
      r = run(cmd);
    }
    return r;
  }

  private static Run run(List<String> cmd) throws Exception {
    Path out = Files.createTempFile("dso-sockit-out", ".txt");
    Path err = Files.createTempFile("dso-sockit-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", cmd).isTrue();
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
