package io.dso.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.cli.AgentClient;
import io.dso.inject.ContainerReport;
import io.dso.observability.AuditEvent;
import io.dso.trigger.WebhookTrigger;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket API through the CLI's client over a real unix socket and a real Jetty, with fake
 * views: the caller is this test's own user, which the socket always serves.
 */
class SocketApiTest {
  private static final String CANARY = "CANARY-sock-unit-5e1d";

  @TempDir Path dir;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final AtomicReference<Consumer<Map<String, Object>>> feed = new AtomicReference<>();
  private HttpEndpoint server;
  private Path socket;

  private final SecretAccess access = new SecretAccess() {
    @Override
    public Value fetch(String secret, String user) {
      calls.add("fetch " + secret + " by " + user);
      if (!secret.equals("unit/db")) {
        throw new ApiException(404, "no secret named '" + secret + "'");
      }
      return new Value(secret, "0123456789ab", "dev", Instant.parse("2026-04-01T10:00:00Z"), Map.of("password", CANARY));
    }

    @Override
    public List<SyncResult> sync(String secret, String user) {
      calls.add("sync " + secret + " by " + user);
      return List.of(new SyncResult(secret == null ? "unit/db" : secret, true, "0123456789ab", null));
    }

    @Override
    public List<PurgeResult> purge(List<String> secrets, String user) {
      calls.add("purge " + secrets + " by " + user);
      List<PurgeResult> out = new ArrayList<>();
      secrets.forEach(s -> out.add(new PurgeResult(s, true)));
      return out;
    }
  };

  @BeforeEach
  void start() {
    ReadinessView ready = () -> new ReadinessView.Readiness(true, true, true, "unix:///fake.sock");
    SecretsView secrets = new SecretsView() {
      @Override
      public List<SecretInfo> secrets() {
        return List.of(new SecretInfo("unit/db", "dev", 1, Instant.parse("2026-04-01T10:00:00Z"), List.of("password")));
      }

      @Override
      public Optional<ContainerReport> container(String nameOrId) {
        return Optional.empty();
      }
    };
    WebhookSink webhook = new WebhookSink() {
      @Override
      public WebhookTrigger.Outcome handle(String authorization, byte[] body, String remoteAddress) {
        return new WebhookTrigger.Outcome(401, Map.of("error", "no"), 0);
      }

      @Override
      public WebhookTrigger.Outcome tooLarge() {
        return new WebhookTrigger.Outcome(413, Map.of("error", "too large"), 0);
      }

      @Override
      public int eventsAccess(String authorization) {
        return 401; // a token is set: TCP callers without it are refused, socket peers are not asked
      }
    };
    ApiHandler api = new ApiHandler("127.0.0.1", ready, secrets, webhook, feed::set);
    SocketRoute echo = (user, body) -> {
      if (body.has("refuse")) {
        throw new ApiException(409, "refused as asked");
      }
      return Map.of("user", user, "got", body);
    };
    SocketApiHandler local = new SocketApiHandler(api, access, audited::add, Map.of("POST /api/test/echo", echo));
    socket = dir.resolve("run/dso.sock");
    server = HttpEndpoint.start("API", "127.0.0.1", 0, api, new HttpEndpoint.UnixSocket(socket, local, false), executor, "--api-addr");
  }

  @AfterEach
  void stop() {
    server.close();
    executor.shutdownNow();
  }

  private AgentClient client() {
    return AgentClient.connect(socket).orElseThrow();
  }

  @Test
  void theSocketIsMode0660AndGoneAfterAStop() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
    server.close();
    assertThat(socket).doesNotExist();
  }

  @Test
  void sharedEndpointsAnswerOnTheSocket() {
    AgentClient c = client();
    assertThat(c.get("/health").path("status").asText()).isEqualTo("ok");
    assertThat(c.get("/api/secrets").path("secrets").get(0).path("name").asText()).isEqualTo("unit/db");
  }

  @Test
  void fetchReturnsTheValueWithVersionAndTheCallerAsUser() {
    JsonNode v = client().post("/api/fetch", Map.of("secret", "unit/db"));
    assertThat(v.path("data").path("password").asText()).isEqualTo(CANARY);
    assertThat(v.path("version").asText()).isEqualTo("0123456789ab");
    assertThat(v.path("fetched_at").asText()).isEqualTo("2026-04-01T10:00:00Z");
    assertThat(calls).singleElement().asString().startsWith("fetch unit/db by ").doesNotEndWith("by system");
  }

  @Test
  void syncAndPurgeHandTheCallerThrough() {
    AgentClient c = client();
    assertThat(c.post("/api/sync", Map.of()).path("results").get(0).path("changed").asBoolean()).isTrue();
    assertThat(c.post("/api/purge", Map.of("secrets", List.of("unit/db"))).path("results").get(0).path("purged").asBoolean()).isTrue();
    assertThat(calls).containsExactly("sync null by " + whoAmI(), "purge [unit/db] by " + whoAmI());
  }

  @Test
  void anApiExceptionBecomesItsStatusAndMessage() {
    assertThatThrownBy(() -> client().post("/api/fetch", Map.of("secret", "unit/none")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("no secret named 'unit/none'");
    assertThatThrownBy(() -> client().post("/api/test/echo", Map.of("refuse", true)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(client().post("/api/test/echo", Map.of("a", 1)).path("got").path("a").asInt()).isEqualTo(1);
  }

  @Test
  void badJsonIs400WithoutEchoingTheBody() throws Exception {
    String bad = "{\"secret\": CANARY-xyz}";
    String answer = RawUnix.exchange(socket, "POST /api/fetch HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + bad.length()
        + "\r\nConnection: close\r\n\r\n" + bad);
    assertThat(answer).startsWith("HTTP/1.1 400").contains("not valid JSON").doesNotContain("CANARY");
    assertThatThrownBy(() -> client().post("/api/fetch", Map.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("\"secret\"");
  }

  @Test
  void valuesAreNeverServedOverTcp() throws Exception {
    for (String path : List.of("/api/fetch", "/api/sync", "/api/purge", "/api/audit/stream", "/api/test/echo")) {
      for (String method : List.of("GET", "POST")) {
        RawHttp.Answer a = RawHttp.send(server.port(), method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Length: 20\r\nConnection: close\r\n\r\n{\"secret\":\"unit/db\"}");
        assertThat(a.status()).as(method + " " + path).isIn(403, 404);
        assertThat(a.body()).doesNotContain(CANARY);
      }
    }
    assertThat(calls).isEmpty();
  }

  @Test
  void theAuditStreamOnTheSocketNeedsNoTokenAndDeliversRecords() throws Exception {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().start(() -> client().stream("/api/audit/stream", lines::add));
    try {
      Map<String, Object> record = Map.of("event", "secret_fetch", "user", "alice");
      String got = null;
      for (int i = 0; i < 50 && got == null; i++) {
        feed.get().accept(record);
        got = lines.poll(100, TimeUnit.MILLISECONDS);
      }
      assertThat(got).contains("\"event\":\"secret_fetch\"").contains("\"user\":\"alice\"");
    } finally {
      reader.interrupt();
      reader.join(5000);
    }
    assertThat(reader.isAlive()).as("the stream ends on interrupt").isFalse();
  }

  @Test
  void noSocketFileOrNobodyListeningMeansNoAgent() throws Exception {
    assertThat(AgentClient.connect(dir.resolve("none.sock"))).isEmpty();
    Path stale = dir.resolve("stale.sock");
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(stale));
    }
    assertThat(AgentClient.connect(stale)).isEmpty();
  }

  @Test
  void aSecondServerOnTheSameSocketIsRefusedAsAnotherAgent() {
    assertThatThrownBy(() -> HttpEndpoint.start("API", "127.0.0.1", 0, new ApiHandler("127.0.0.1",
        () -> new ReadinessView.Readiness(true, true, true, "x"), null, null, c -> { }),
        new HttpEndpoint.UnixSocket(socket, null, false), executor, "--api-addr"))
        .hasMessageContaining("another agent runs on socket");
    assertThat(client().get("/health").path("status").asText()).isEqualTo("ok");
  }

  private static String whoAmI() {
    try {
      return Files.getOwner(Path.of("/proc/self")).getName();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** One raw request on the unix socket, the whole answer as text. */
  private static final class RawUnix {
    static String exchange(Path socket, String request) throws java.io.IOException {
      try (var ch = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ch.write(java.nio.ByteBuffer.wrap(request.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return new String(java.nio.channels.Channels.newInputStream(ch).readNBytes(1 << 20), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
  }
}
