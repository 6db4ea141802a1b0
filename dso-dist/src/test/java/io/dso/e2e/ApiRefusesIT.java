package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the API of the real agent refuses, over real HTTP on loopback: a foreign {@code Host} (DNS
 * rebinding), every bearer form but the exact one, timestamps outside the years 2000-9999, and
 * event reads without the token; and a flood of bad tokens that never starves the caller who holds
 * the right one. No Docker needed.
 */
@Tag("e2e")
class ApiRefusesIT {
  private static final String TOKEN = "CANARY-api-refuses-token-5d1e";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private static final AtomicLong STAMP = new AtomicLong(Instant.parse("2026-04-01T10:00:00Z").getEpochSecond());

  @TempDir static Path dir;
  private static AgentProcess agent;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("secrets.json"), "{\"app/db\": {\"K\": \"v\"}}");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: hybrid, polling_interval: 60s }
          webhook: { enabled: true, auth_token: "${DSO_WEBHOOK_TOKEN}" }
        secrets:
          - name: app/db
            rotation: true
        """);
    agent = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
        Map.of("DSO_WEBHOOK_TOKEN", TOKEN, "DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")));
    agent.awaitMetrics(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.terminate();
      agent.close();
    }
    for (String log : List.of("audit.log", "stdout.log", "stderr.log")) {
      assertThat(Files.readString(dir.resolve(log))).as(log).doesNotContain(TOKEN);
    }
  }

  private static String fresh() {
    return Instant.ofEpochSecond(STAMP.incrementAndGet()).toString();
  }

  private static String body(String timestamp) {
    return "{\"provider\":\"local\",\"secret_name\":\"app/db\",\"event_type\":\"updated\",\"timestamp\":\"" + timestamp + "\"}";
  }

  /** Sends bytes as written (Host and Authorization exactly as given) and returns the status. */
  private static int raw(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), agent.apiPort)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.UTF_8);
      return Integer.parseInt(head.substring(9, 12));
    }
  }

  private static int rawPost(String host, String authorizationLine, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return raw("POST /api/events/secret-update HTTP/1.1\r\nHost: " + host + "\r\n"
        + (authorizationLine == null ? "" : authorizationLine + "\r\n")
        + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n" + body);
  }

  private static HttpResponse<String> post(String authorization, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + "/api/events/secret-update"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void foreignHostIsRefusedAndLoopbackNamesAreServed() throws Exception {
    String localhost = "localhost:" + agent.apiPort;
    assertThat(raw("GET /health HTTP/1.1\r\nHost: " + localhost + "\r\nConnection: close\r\n\r\n")).isEqualTo(200);
    assertThat(raw("GET /health HTTP/1.1\r\nHost: [::1]:" + agent.apiPort + "\r\nConnection: close\r\n\r\n")).isEqualTo(200);
    for (String host : List.of("evil.example", "evil.example:" + agent.apiPort, "localhost.evil.example")) {
      assertThat(raw("GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")).as(host).isEqualTo(403);
      assertThat(raw("GET /api/secrets HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")).as(host).isEqualTo(403);
      assertThat(rawPost(host, "Authorization: Bearer " + TOKEN, body(fresh()))).as(host).isEqualTo(403);
    }
  }

  @Test
  void onlyTheExactBearerFormIsAcceptedAndTimestampsMustBeSane() throws Exception {
    Thread.sleep(2_500); // refused requests have their own limit (burst 20, 10/s): let it refill
    for (String auth : List.of("Authorization: bearer " + TOKEN, "Authorization: BEARER " + TOKEN,
        "Authorization: Bearer  " + TOKEN, "Authorization: Bearer", "Authorization: Basic " + TOKEN,
        "Authorization: Bearer " + TOKEN + "x", "Authorization: " + TOKEN)) {
      assertThat(rawPost("127.0.0.1", auth, body(fresh()))).as(auth.replace(TOKEN, "<token>")).isEqualTo(401);
    }
    assertThat(rawPost("127.0.0.1", "Authorization: Bearer " + TOKEN, body(fresh()))).isEqualTo(202);
    HttpResponse<String> old = post("Bearer " + TOKEN, body("1999-12-31T23:59:59Z"));
    assertThat(old.statusCode()).isEqualTo(400);
    assertThat(old.body()).contains("years 2000 to 9999");
    assertThat(post("Bearer " + TOKEN, body("+10000-01-01T00:00:00Z")).statusCode()).isEqualTo(400);

    assertThat(raw("GET /api/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).isEqualTo(401);
    assertThat(raw("GET /api/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
        + "\r\nConnection: close\r\n\r\n")).isEqualTo(200);
  }

  @Test
  void floodOfBadTokensDoesNotStarveTheCallerWithTheToken() throws Exception {
    Thread.sleep(2_500); // let both rate limits refill after the other tests
    int floodSize = 3_000;
    AtomicInteger sent = new AtomicInteger();
    Map<Integer, AtomicInteger> flood = new ConcurrentHashMap<>();
    List<Integer> good = new java.util.concurrent.CopyOnWriteArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 16; w++) {
        workers.add(pool.submit(() -> {
          while (sent.getAndIncrement() < floodSize && System.nanoTime() < deadline) {
            int status = post("Bearer wrong-" + w(), body(fresh())).statusCode();
            flood.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
          }
          return null;
        }));
      }
      Future<?> caller = pool.submit(() -> {
        // The real caller: 5 requests a second, well inside the shared 20/s, for as long as the flood lasts.
        while (sent.get() < floodSize && System.nanoTime() < deadline) {
          good.add(post("Bearer " + TOKEN, body(fresh())).statusCode());
          Thread.sleep(200);
        }
        return null;
      });
      for (Future<?> f : workers) {
        f.get(100, TimeUnit.SECONDS);
      }
      caller.get(20, TimeUnit.SECONDS);
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    int answered = flood.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.printf("bad-token flood: %d requests in %.2f s: %s; good caller: %d requests, statuses %s%n",
        answered, elapsed, flood, good.size(), new java.util.TreeSet<>(good));

    assertThat(answered).as("the bounded flood finished within 90 s").isEqualTo(floodSize);
    assertThat(flood.keySet()).as("bad tokens get 401 or, past their own limit, 429").isSubsetOf(401, 429);
    assertThat(flood.get(429)).as("the refused-token limit kicked in").isNotNull();
    assertThat(good).as("the caller with the token ran during the flood").hasSizeGreaterThanOrEqualTo(3);
    assertThat(good).as("and was never starved").containsOnly(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(agent.audit).contains("\"http_status\":202"));
  }

  private static String w() {
    return Long.toString(Thread.currentThread().threadId());
  }
}
