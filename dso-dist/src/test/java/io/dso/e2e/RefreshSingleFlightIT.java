package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One refresh per secret at a time, and versions that only move forward, with the real agent: the
 * poller (1 s) and a steady stream of webhook calls refresh one secret concurrently while a driver
 * moves it through v1..vN. The agent's change counter must step 1, 2, ... N exactly once each (a
 * stale fetch that put an older value back would add a change and a second change forward again),
 * the rolling-rotated container must never be seen going back to an older value, and it ends on vN.
 */
@Tag("docker")
class RefreshSingleFlightIT {
  private static final int N = 15;
  /** Webhook calls around each write: (N - 1) * 20 = 280 loopback requests in all. */
  private static final int WEBHOOK_BURST = 20;
  private static final String TOKEN = "CANARY-sf-webhook-token-4b1e";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;
  private RotationFixture fx;

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
  }

  @AfterEach
  void tearDown(org.junit.jupiter.api.TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    fx.close();
  }

  private String value(int i) {
    return "CANARY-sf-" + fx.suffix + "-v" + i;
  }

  /** The index i of value(i), or 0 when {@code v} is none of them. */
  private int index(String v) {
    for (int i = 1; i <= N; i++) {
      if (value(i).equals(v)) {
        return i;
      }
    }
    return 0;
  }

  private Path config(String secret) throws Exception {
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { mode: hybrid, polling_interval: 1s }
          webhook: { enabled: true, auth_token: "${DSO_WEBHOOK_TOKEN}" }
          rotation: { strategy: rolling, health_check_timeout: 20s, max_parallel: 1, cooldown: 1s }
          restart_strategy: { grace_period: 2s }
        secrets:
          - name: %s
            inject: env
            rotation: true
        """.formatted(secret));
    return config;
  }

  /** {@code secret_change_detected} records of {@code secret}, in the order they were written. */
  private List<JsonNode> changes(String secret) throws Exception {
    return fx.audit("secret_change_detected").stream()
        .filter(r -> r.path("secret_name").asText().equals(secret)).toList();
  }

  private HttpResponse<String> webhook(String secret, String timestamp) throws Exception {
    String body = "{\"provider\":\"local\",\"secret_name\":\"" + secret + "\",\"event_type\":\"updated\",\"timestamp\":\""
        + timestamp + "\"}";
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.apiPort + "/api/events/secret-update"))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void concurrentPollerAndWebhookRefreshesNeverMoveASecretOrItsContainerBackwards() throws Exception {
    // Agents of other tests share the daemon: a unique secret name keeps their targets and ours apart.
    String secret = "sf/" + fx.suffix;
    String x = fx.name("sf");
    fx.secret(secret, Map.of("TOKEN", value(1)));
    fx.runTarget(x, secret, List.of("--label", "dso.update.strategy=rolling"), RotationFixture.HEALTHY);

    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<Integer> seenInContainer = new CopyOnWriteArrayList<>();
    AtomicLong stamp = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
    try (AgentProcess agent = fx.start(config(secret), Map.of("DSO_WEBHOOK_TOKEN", TOKEN))) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() ->
          assertThat(RotationFixture.env(fx.inspect(x))).containsEntry("TOKEN", value(1)));

      // Sampler: what the container named x holds, every 300 ms (a failed inspect mid-rename is skipped).
      Future<?> sampler = pool.submit(() -> {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (sampling.get() && System.nanoTime() < deadline) {
          try {
            String v = RotationFixture.env(fx.inspect(x)).get("TOKEN");
            int i = index(v);
            if (i > 0 && (seenInContainer.isEmpty() || seenInContainer.getLast() != i)) {
              seenInContainer.add(i);
            }
          } catch (RuntimeException e) {
            // the name is between two containers for a moment during a rolling rotation
          }
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      // Driver: v2..vN. Around each write a burst of webhook calls (half just before it, half just
      // after, each with its own timestamp so none is answered as a duplicate) refreshes the secret
      // concurrently with the poller. The next value is written once the agent has counted this one,
      // so change number i is the content v_i: the mapping the assertions below rely on.
      for (int i = 2; i <= N; i++) {
        List<Future<?>> burst = new ArrayList<>();
        for (int c = 0; c < WEBHOOK_BURST; c++) {
          if (c == WEBHOOK_BURST / 2) {
            fx.secret(secret, Map.of("TOKEN", value(i)));
          }
          String ts = Instant.ofEpochSecond(stamp.incrementAndGet()).toString();
          burst.add(pool.submit(() -> {
            int status;
            try {
              status = webhook(secret, ts).statusCode();
            } catch (Exception e) {
              status = -1;
            }
            statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
          }));
          Thread.sleep(5);
        }
        int want = i;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() ->
            changes(secret).stream().anyMatch(r -> r.path("version").asLong() == want));
        for (Future<?> f : burst) {
          f.get(30, TimeUnit.SECONDS);
        }
      }

      // The container converges on vN and stays a single running container.
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
        JsonNode c = fx.inspect(x);
        assertThat(RotationFixture.env(c)).containsEntry("TOKEN", value(N));
        assertThat(c.path("State").path("Running").asBoolean()).isTrue();
      });
      // A few more poll cycles: a late stale fetch would show up as another change now.
      Thread.sleep(4000);
      sampling.set(false);
      sampler.get(10, TimeUnit.SECONDS);
      fx.assertSingleRunning(x);
      assertThat(RotationFixture.env(fx.inspect(x))).containsEntry("TOKEN", value(N));

      int accepted = statuses.getOrDefault(202, new AtomicInteger()).get();
      int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
      System.out.printf("single flight: %d webhook calls %s, container values seen %s%n", total, statuses, seenInContainer);
      assertThat(total).as("webhook calls sent (bounded)").isEqualTo((N - 1) * WEBHOOK_BURST);
      assertThat(accepted).as("webhook calls that triggered a refresh; statuses %s", statuses).isGreaterThanOrEqualTo(N);

      // Versions only move forward: change i is v_i, each once, in write order, chained, and none after vN.
      List<JsonNode> changes = changes(secret);
      List<Long> versions = changes.stream().map(r -> r.path("version").asLong()).toList();
      List<Long> expected = new ArrayList<>();
      for (long v = 2; v <= N; v++) {
        expected.add(v);
      }
      assertThat(versions).as("change versions of %s", secret).isEqualTo(expected);
      for (JsonNode r : changes) {
        assertThat(r.path("previous_version").asLong()).isEqualTo(r.path("version").asLong() - 1);
      }
      List<JsonNode> webhookChanges = changes.stream().filter(r -> r.path("user").asText().equals("webhook")).toList();
      System.out.printf("single flight: %d of %d changes noticed through the webhook%n", webhookChanges.size(), changes.size());

      // The container never went back: the values it held, sampled in time, only increase.
      assertThat(seenInContainer).as("values held by %s over time (indices)", x).isNotEmpty();
      List<Integer> sorted = new ArrayList<>(seenInContainer);
      Collections.sort(sorted);
      assertThat(seenInContainer).as("values held by %s over time (indices)", x).isEqualTo(sorted).doesNotHaveDuplicates();
      assertThat(seenInContainer.getLast()).isEqualTo(N);

      // The last rotation of the secret is the successful one that put vN in place.
      List<JsonNode> rotations = fx.audit("secret_rotate").stream()
          .filter(r -> r.path("secret_name").asText().equals(secret)).toList();
      assertThat(rotations).as("secret_rotate records").isNotEmpty();
      assertThat(rotations.getLast().path("status").asText()).isEqualTo("success");

      agent.terminate();
      String all = Files.readString(agent.audit) + Files.readString(agent.stdout) + Files.readString(agent.stderr);
      assertThat(all).doesNotContain(TOKEN);
      for (int i = 1; i <= N; i++) {
        assertThat(all).doesNotContain(value(i));
      }
    } finally {
      sampling.set(false);
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
