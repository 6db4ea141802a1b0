package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.FreePorts;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret-update webhook and the events API over real HTTP on loopback, against the real agent
 * (./dso) in hybrid mode with polling_interval 60s, so that a change seen within seconds can only
 * have been seen through the webhook. No Docker needed.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookIT {
  private static final String TOKEN = "CANARY-webhook-token-91c2e7";
  private static final String CANARY = "CANARY-webhook-value-3a7d";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir static Path dir;
  private static AgentProcess agent;
  private static Path secrets;
  private static final AtomicLong STAMP = new AtomicLong(Instant.parse("2026-04-01T10:00:00Z").getEpochSecond());

  @BeforeAll
  static void start() throws Exception {
    secrets = dir.resolve("secrets.json");
    writeSecret(CANARY + "-1");
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          refresh_interval: 10m
          watch: { mode: hybrid, polling_interval: 60s }
          webhook: { enabled: true, auth_token: "${DSO_WEBHOOK_TOKEN}" }
          rotation: { cooldown: 1s }
        secrets:
          - name: app/db
            rotation: true
        """);
    agent = AgentProcess.start(dir, config, FreePorts.loopback(), FreePorts.loopback(),
        Map.of("DSO_WEBHOOK_TOKEN", TOKEN, "DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")));
    agent.awaitMetrics(Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(20)).until(() -> fetches() >= 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.terminate();
      agent.close();
      String all = Files.readString(agent.audit) + Files.readString(agent.stdout) + Files.readString(agent.stderr);
      assertThat(all).doesNotContain(TOKEN).doesNotContain(CANARY);
    }
  }

  private static void writeSecret(String value) throws Exception {
    Files.writeString(secrets, "{\"app/db\": {\"DB_PASSWORD\": \"" + value + "\"}}");
  }

  static String body(String name, String timestamp) {
    return "{\"provider\":\"local\",\"secret_name\":\"" + name + "\",\"event_type\":\"updated\",\"timestamp\":\"" + timestamp + "\"}";
  }

  static String fresh() {
    return Instant.ofEpochSecond(STAMP.incrementAndGet()).toString();
  }

  static HttpResponse<String> post(int port, String auth, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events/secret-update"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String auth, String body) throws Exception {
    return post(agent.apiPort, auth, body.getBytes(StandardCharsets.UTF_8));
  }

  static long fetches() throws Exception {
    long total = 0;
    for (String line : AgentProcess.get(agent.metricsPort, "/metrics").body().split("\n")) {
      if (line.startsWith("dso_secret_fetches_total{")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  static void refillRateLimit() throws InterruptedException {
    Thread.sleep(2_500); // 40 tokens at 20/s
  }

  @Test
  @Order(1)
  void everyStatusCodeOverRealHttp() throws Exception {
    String bearer = "Bearer " + TOKEN;
    String ts = fresh();
    HttpResponse<String> ok = post(bearer, body("app/db", ts));
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(ok.body()).get("accepted").asBoolean()).isTrue();

    HttpResponse<String> dup = post(bearer, body("app/db", ts));
    assertThat(dup.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(dup.body()).get("duplicate").asBoolean()).isTrue();

    assertThat(post(bearer, "{not json").statusCode()).isEqualTo(400);
    HttpResponse<String> missing = post(bearer, "{\"provider\":\"local\",\"event_type\":\"u\",\"timestamp\":\"" + fresh() + "\"}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("secret_name");
    assertThat(post("Bearer wrong-token", body("app/db", fresh())).statusCode()).isEqualTo(401);
    assertThat(post(null, body("app/db", fresh())).statusCode()).isEqualTo(401);
    assertThat(post(bearer, body("app/unknown", fresh())).statusCode()).isEqualTo(404);

    byte[] big = new byte[65 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    assertThat(post(agent.apiPort, bearer, big).statusCode()).isEqualTo(413);

    refillRateLimit();
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int n = 0; n < 60; n++) {
      HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + "/api/events/secret-update"))
          .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer wrong")
          .POST(HttpRequest.BodyPublishers.ofString(body("app/db", fresh()))).build();
      burst.add(HTTP.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (var f : burst) {
      answers.add(f.get(20, TimeUnit.SECONDS));
    }
    List<HttpResponse<String>> limited = answers.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(limited).isNotEmpty();
    assertThat(limited.getFirst().headers().firstValue("Retry-After")).hasValue("1");
    assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isIn(401, 429));

    String metrics = AgentProcess.get(agent.metricsPort, "/metrics").body();
    for (String status : List.of("202", "400", "401", "404", "413", "429")) {
      assertThat(metrics).containsPattern("dso_webhook_requests_total\\{status=\"" + status + "\"} [1-9]");
    }
    assertThat(Files.readString(agent.audit)).contains("\"webhook_received\"").contains("\"http_status\":401");
    refillRateLimit();
  }

  @Test
  @Order(2)
  void webhookMakesTheAgentSeeAChangeWithinTwoSeconds() throws Exception {
    writeSecret(CANARY + "-second-value");
    long t0 = System.nanoTime();
    assertThat(post("Bearer " + TOKEN, body("app/db", fresh())).statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() -> Files.readAllLines(agent.audit).stream()
        .anyMatch(l -> l.contains("\"secret_change_detected\"") && l.contains("\"user\":\"webhook\"")));
    System.out.printf("webhook -> secret_change_detected: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Test
  @Order(3)
  void recentEventsAndTheServerSentEventStream() throws Exception {
    // With a webhook token set, reading events needs it too.
    assertThat(AgentProcess.get(agent.apiPort, "/api/events").statusCode()).isEqualTo(401);
    JsonNode recent = JSON.readTree(events("/api/events?limit=3").body());
    assertThat(recent.get("events")).hasSize(3);
    assertThat(events("/api/events?limit=0").statusCode()).isEqualTo(400);
    JsonNode all = JSON.readTree(events("/api/events").body()).get("events");
    assertThat(all.get(0).get("event").asText()).isEqualTo("agent_start");

    HttpRequest sse = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + "/api/events/stream"))
        .header("Authorization", "Bearer " + TOKEN).build();
    HttpResponse<InputStream> stream = HTTP.sendAsync(sse, HttpResponse.BodyHandlers.ofInputStream()).get(5, TimeUnit.SECONDS);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertThat(post("Bearer " + TOKEN, body("app/db", fresh())).statusCode()).isEqualTo(202);
      Future<List<JsonNode>> two = Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
        List<JsonNode> got = new ArrayList<>();
        for (String line; got.size() < 2 && (line = reader.readLine()) != null; ) {
          if (line.startsWith("data: ")) {
            got.add(JSON.readTree(line.substring(6)));
          }
        }
        return got;
      });
      List<JsonNode> records = two.get(10, TimeUnit.SECONDS);
      assertThat(records).hasSize(2);
      assertThat(records).extracting(r -> r.get("event").asText()).contains("webhook_received");
      assertThat(records.getFirst().has("timestamp")).isTrue();
    }
  }

  private static HttpResponse<String> events(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.apiPort + path))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(4)
  void floodOf5000RequestsIsRateLimitedWhileTheAgentStaysResponsive() throws Exception {
    refillRateLimit();
    long fetchesBefore = fetches();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    AtomicLong healthMaxNanos = new AtomicLong();
    AtomicInteger healthChecks = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> health = pool.submit(() -> {
        while (sent.get() < 5000 && System.nanoTime() < deadline) {
          long h0 = System.nanoTime();
          HttpResponse<String> r = AgentProcess.get(agent.apiPort, "/health");
          long took = System.nanoTime() - h0;
          assertThat(r.statusCode()).isEqualTo(200);
          healthMaxNanos.accumulateAndGet(took, Math::max);
          healthChecks.incrementAndGet();
          Thread.sleep(50);
        }
        return null;
      });
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 16; w++) {
        workers.add(pool.submit(() -> {
          while (sent.getAndIncrement() < 5000 && System.nanoTime() < deadline) {
            int status = post("Bearer " + TOKEN, body("app/db", fresh())).statusCode();
            (status == 202 ? accepted : status == 429 ? limited : other).incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : workers) {
        f.get(70, TimeUnit.SECONDS);
      }
      health.get(10, TimeUnit.SECONDS);
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    int requests = accepted.get() + limited.get() + other.get();
    System.out.printf("flood: %d requests in %.2f s: %d x 202, %d x 429, %d other; /health max %.1f ms over %d checks%n",
        requests, elapsed, accepted.get(), limited.get(), other.get(), healthMaxNanos.get() / 1e6, healthChecks.get());

    assertThat(requests).as("the bounded loop finished within 60 s").isEqualTo(5000);
    assertThat(other.get()).isZero();
    assertThat((double) accepted.get()).as("burst + rate x elapsed").isLessThanOrEqualTo(40 + 20 * elapsed + 5);
    assertThat(limited.get()).isGreaterThan(0);
    assertThat(healthMaxNanos.get()).as("/health answers within 1 s during the flood").isLessThan(TimeUnit.SECONDS.toNanos(1));
    // Every accepted request may fetch once, no more; a poll of the 60 s timer may add one.
    await().atMost(Duration.ofSeconds(5)).until(() -> fetches() - fetchesBefore >= accepted.get());
    assertThat(fetches() - fetchesBefore).isLessThanOrEqualTo(accepted.get() + 1L);
  }

  @Test
  @Order(5)
  void pollingModeAgentAnswers403(@TempDir Path other) throws Exception {
    Files.writeString(other.resolve("secrets.json"), "{\"app/db\": {\"K\": \"v\"}}");
    Path config = other.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: polling, polling_interval: 60s }
        secrets:
          - name: app/db
        """);
    try (AgentProcess polling = AgentProcess.start(other, config, FreePorts.loopback(), FreePorts.loopback(),
        Map.of("DOCKER_HOST", "unix://" + other.resolve("no-docker.sock")))) {
      polling.awaitMetrics(Duration.ofSeconds(60));
      HttpResponse<String> r = post(polling.apiPort, "Bearer " + TOKEN, body("app/db", fresh()).getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("webhook is disabled");
      polling.terminate();
    }
  }
}
