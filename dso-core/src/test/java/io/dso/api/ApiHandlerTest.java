package io.dso.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.inject.ContainerReport;
import io.dso.trigger.WebhookTrigger;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API handlers over fake views: a real Jetty on loopback, no Docker, no agent. */
class ApiHandlerTest {
  private static final String TOKEN = "CANARY-api-token-77c1";
  private static final String BODY =
      "{\"provider\":\"dev\",\"secret_name\":\"app/db\",\"event_type\":\"updated\",\"timestamp\":\"2026-04-01T10:30:00Z\"}";

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicBoolean dockerUp = new AtomicBoolean(true);
  private final AtomicBoolean tokenSet = new AtomicBoolean(false);
  private final List<String> webhookCalls = new CopyOnWriteArrayList<>();
  private final AtomicReference<Consumer<Map<String, Object>>> feed = new AtomicReference<>();
  private HttpEndpoint server;

  private final WebhookSink webhook = new WebhookSink() {
    @Override
    public WebhookTrigger.Outcome handle(String authorization, byte[] body, String remoteAddress) {
      webhookCalls.add("handle");
      return new WebhookTrigger.Outcome(202, Map.of("accepted", true), 0);
    }

    @Override
    public WebhookTrigger.Outcome tooLarge() {
      webhookCalls.add("tooLarge");
      return new WebhookTrigger.Outcome(413, Map.of("error", "too large"), 0);
    }

    @Override
    public int eventsAccess(String authorization) {
      if (!tokenSet.get() || ("Bearer " + TOKEN).equals(authorization)) {
        return 200;
      }
      return authorization != null && authorization.equals("Bearer flood") ? 429 : 401;
    }
  };

  private final SecretsView secrets = new SecretsView() {
    @Override
    public List<SecretInfo> secrets() {
      return List.of(new SecretInfo("app/db", "dev", 3, Instant.parse("2026-04-01T10:00:00Z"), List.of("DB_PASSWORD")));
    }

    @Override
    public Optional<ContainerReport> container(String nameOrId) {
      return nameOrId.equals("web")
          ? Optional.of(new ContainerReport("0123456789abcdef", "web", List.of()))
          : Optional.empty();
    }
  };

  @BeforeEach
  void start() {
    ReadinessView ready = () -> new ReadinessView.Readiness(dockerUp.get(), true, dockerUp.get(), "unix:///fake.sock");
    ApiHandler handler = new ApiHandler("127.0.0.1", ready, secrets, webhook, feed::set);
    server = HttpEndpoint.start("API", "127.0.0.1", 0, handler, executor, "--api-addr");
  }

  @AfterEach
  void stop() {
    server.close();
    executor.shutdownNow();
  }

  private int port() {
    return server.port();
  }

  @Test
  void loopbackNamesAndAddressesWithOrWithoutPortAreServed() throws IOException {
    List<String> hosts = new ArrayList<>(List.of("localhost", "localhost:" + port(), "LocalHost:8471", "127.0.0.1",
        "127.0.0.1:" + port(), "127.1.2.3", "[::1]", "[::1]:" + port()));
    hosts.add(null); // HTTP/1.0 without Host: browsers never send that
    for (String host : hosts) {
      assertThat(RawHttp.get(port(), "/health", host).status()).as(String.valueOf(host)).isEqualTo(200);
    }
  }

  @Test
  void foreignHostIsRefusedWith403OnEveryEndpointWithoutEchoingIt() throws IOException {
    List<String> hosts = List.of("evil.example", "evil.example:" + port(), "localhost.evil.example", "127.0.0.1.nip.io",
        "10.0.0.5", "[::2]", "0.0.0.0", "127.0.0.256", "CANARY-host.example");
    for (String host : hosts) {
      for (String path : List.of("/health", "/ready", "/api/secrets", "/api/events", "/api/events/stream", "/api/containers/web")) {
        RawHttp.Answer a = RawHttp.get(port(), path, host);
        assertThat(a.status()).as(host + " " + path).isEqualTo(403);
        assertThat(a.body()).contains("Host header is not this machine's loopback").doesNotContain("CANARY");
      }
      assertThat(RawHttp.post(port(), "/api/events/secret-update", host, BODY, "Authorization: Bearer " + TOKEN).status())
          .as(host).isEqualTo(403);
    }
    assertThat(webhookCalls).as("a refused Host never reaches the webhook").isEmpty();
  }

  @Test
  void boundAddressIsAcceptedAsHostButWildcardsAndOtherAddressesAreNot() {
    HostCheck bound = HostCheck.forBind("192.0.2.10");
    assertThat(bound.allows("192.0.2.10")).isTrue();
    assertThat(bound.allows("192.0.2.10:8471")).isTrue();
    assertThat(bound.allows("localhost:8471")).isTrue();
    assertThat(bound.allows("192.0.2.11:8471")).isFalse();
    assertThat(HostCheck.forBind("2001:db8::7").allows("[2001:db8::7]:8471")).isTrue();
    assertThat(HostCheck.forBind("0.0.0.0").allows("0.0.0.0:8471")).isFalse();
    assertThat(HostCheck.forBind("::").allows("[::]:8471")).isFalse();
    // Jetty already answers 400 to a malformed port; the check refuses it on its own as well.
    assertThat(HostCheck.forBind("127.0.0.1").allows("localhost:http")).isFalse();
    assertThat(HostCheck.forBind("127.0.0.1").allows("localhost:")).isFalse();
  }

  @Test
  void eventsAreOpenWithoutATokenAndNeedExactlyTheBearerTokenWhenOneIsSet() throws IOException {
    feed.get().accept(Map.of("event", "agent_start"));
    assertThat(RawHttp.get(port(), "/api/events", "localhost").status()).isEqualTo(200);

    tokenSet.set(true);
    for (String auth : List.of("X-None: 1", "Authorization: bearer " + TOKEN, "Authorization: Bearer  " + TOKEN,
        "Authorization: Bearer", "Authorization: Basic " + TOKEN, "Authorization: Bearer wrong")) {
      RawHttp.Answer a = RawHttp.get(port(), "/api/events", "localhost", auth);
      assertThat(a.status()).as(auth).isEqualTo(401);
      assertThat(a.head()).contains("WWW-Authenticate: Bearer");
      assertThat(RawHttp.get(port(), "/api/events/stream", "localhost", auth).status()).as(auth).isEqualTo(401);
    }
    RawHttp.Answer limited = RawHttp.get(port(), "/api/events", "localhost", "Authorization: Bearer flood");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.head()).contains("Retry-After: 1");
    RawHttp.Answer ok = RawHttp.get(port(), "/api/events?limit=5", "localhost", "Authorization: Bearer " + TOKEN);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body()).contains("agent_start");
  }

  @Test
  void secretsListNamesVersionsAndKeysFromTheView() throws IOException {
    RawHttp.Answer a = RawHttp.get(port(), "/api/secrets", "127.0.0.1");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEqualTo("{\"secrets\":[{\"name\":\"app/db\",\"provider\":\"dev\",\"version\":3,"
        + "\"fetched_at\":\"2026-04-01T10:00:00Z\",\"keys\":[\"DB_PASSWORD\"]}]}");
  }

  @Test
  void readinessAndContainersFollowTheDockerView() throws IOException {
    assertThat(RawHttp.get(port(), "/ready", "localhost").status()).isEqualTo(200);
    assertThat(RawHttp.get(port(), "/api/containers/web", "localhost").body()).contains("\"id\":\"0123456789ab\"");
    assertThat(RawHttp.get(port(), "/api/containers/nope", "localhost").status()).isEqualTo(404);
    assertThat(RawHttp.get(port(), "/api/containers/-x", "localhost").status()).isEqualTo(400);

    dockerUp.set(false);
    RawHttp.Answer ready = RawHttp.get(port(), "/ready", "localhost");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body()).contains("\"docker\":\"unreachable\"");
    assertThat(RawHttp.get(port(), "/api/containers/web", "localhost").status()).isEqualTo(503);
  }

  @Test
  void webhookGoesToTheSinkAndAnOversizedDeclaredBodyIsRefusedUnread() throws IOException {
    assertThat(RawHttp.post(port(), "/api/events/secret-update", "localhost", BODY).status()).isEqualTo(202);
    String big = "POST /api/events/secret-update HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
        + (WebhookTrigger.MAX_BODY + 1) + "\r\nConnection: close\r\n\r\n{";
    assertThat(RawHttp.send(port(), big).status()).isEqualTo(413);
    assertThat(RawHttp.get(port(), "/api/events/secret-update", "localhost").status()).isEqualTo(405);
    assertThat(webhookCalls).containsExactly("handle", "tooLarge");
  }
}
