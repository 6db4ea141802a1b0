package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications from the real agent to a real HTTP receiver on 127.0.0.1: a rotation reaches a
 * webhook and a Slack-style destination, a destination answering 500 twice gets the message on the
 * third try, a provider failing past the threshold is notified once and then as recovered, and no
 * received body holds a secret value. {@code dso notifications test} runs without an agent.
 */
@Tag("docker")
class NotificationsIT {
  private static final String LOOP = "trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done";

  @TempDir Path dir;
  private RotationFixture fx;
  private Receiver rx;
  private String secret;

  /** Records every POST body per path; a path may answer a scripted list of statuses first. */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final Map<String, List<String>> bodies = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final Map<String, List<Integer>> scripts = new ConcurrentHashMap<>();

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.createContext("/", exchange -> {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        List<Integer> script = scripts.getOrDefault(path, List.of());
        int status = n <= script.size() ? script.get(n - 1) : 200;
        if (status == 200) {
          bodies.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(new String(body, StandardCharsets.UTF_8));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<String> got(String path) {
      return bodies.getOrDefault(path, List.of());
    }

    List<JsonNode> json(String path) {
      List<JsonNode> out = new ArrayList<>();
      for (String b : got(path)) {
        try {
          out.add(RotationFixture.JSON.readTree(b));
        } catch (IOException e) {
          throw new AssertionError("not JSON: " + b, e);
        }
      }
      return out;
    }

    List<String> all() {
      return bodies.values().stream().flatMap(List::stream).toList();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    fx = new RotationFixture(dir);
    rx = new Receiver();
    secret = "ntf-" + fx.suffix + "/token";
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    rx.close();
    fx.close();
  }

  private Path config(String notifications) throws IOException {
    Path config = fx.config("restart", 1, "- name: " + secret + "\n  inject: env\n  rotation: true\n");
    Files.writeString(config, notifications, java.nio.file.StandardOpenOption.APPEND);
    return config;
  }

  @Test
  void aRotationReachesTheWebhookAndTheSlackDestinationAndAFlakyOneOnItsThirdTry() throws Exception {
    String canary1 = "CANARY-ntf1-" + fx.suffix;
    String canary2 = "CANARY-ntf2-" + fx.suffix;
    rx.scripts.put("/flaky", List.of(500, 500));
    String x = fx.name("ntf");
    fx.secret(secret, Map.of("TOKEN", canary1));
    fx.runTarget(x, secret, List.of(), RotationFixture.BUSYBOX, "sh", "-c", LOOP);
    Path config = config("""
        notifications:
          retry: { attempts: 5, backoff: 100ms, max_backoff: 1s }
          destinations:
            - { name: hook, type: webhook, url: "%s", headers: { X-Dso-Test: "${NTF_HEADER}" } }
            - { name: chat, type: slack, url: "%s", events: [rotation_success, rotation_failure] }
            - { name: flaky, type: webhook, url: "%s", events: [rotation_success] }
        """.formatted(rx.url("/hook"), rx.url("/slack/T000/B000/XXXX"), rx.url("/flaky")));
    try (AgentProcess agent = fx.start(config, Map.of("NTF_HEADER", "header-" + fx.suffix))) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(RotationFixture.env(fx.inspect(x))).containsEntry("TOKEN", canary1));
      fx.secret(secret, Map.of("TOKEN", canary2));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(rx.json("/hook")).anySatisfy(b -> assertThat(b.path("event").asText()).isEqualTo("rotation_success"));
        assertThat(rx.got("/slack/T000/B000/XXXX")).isNotEmpty();
        assertThat(rx.got("/flaky")).hasSize(1);
      });
      JsonNode hook = rx.json("/hook").stream().filter(b -> b.path("event").asText().equals("rotation_success")).findFirst().orElseThrow();
      String id = fx.id(x);
      assertThat(hook.path("secret").asText()).isEqualTo(secret);
      assertThat(hook.path("container").asText()).isEqualTo(id.substring(0, 12));
      assertThat(hook.path("strategy").asText()).isEqualTo("restart");
      assertThat(hook.path("status").asText()).isEqualTo("success");
      assertThat(hook.path("provider").asText()).isNotEmpty();
      List<JsonNode> changes = fx.audit("secret_change_detected");
      assertThat(hook.path("version").asText()).isEqualTo(changes.getLast().path("version").asText()).isNotEmpty();
      JsonNode slack = rx.json("/slack/T000/B000/XXXX").getFirst();
      assertThat(slack.fieldNames()).toIterable().containsExactly("text");
      assertThat(slack.path("text").asText()).contains("rotated secret '" + secret + "'").doesNotContain("\n");
      assertThat(rx.hits.get("/flaky").get()).as("two 500s, then delivered").isEqualTo(3);
      assertThat(rx.json("/flaky").getFirst().path("event").asText()).isEqualTo("rotation_success");
      agent.terminate();
    }
    for (String body : rx.all()) {
      assertThat(body).doesNotContain(canary1).doesNotContain(canary2);
    }
    String logs = Files.readString(dir.resolve("stdout.log")) + Files.readString(dir.resolve("stderr.log"));
    assertThat(logs).doesNotContain("/slack/T000").doesNotContain("XXXX");
  }

  private static double failedFetches(AgentProcess agent) throws Exception {
    return AgentProcess.get(agent.metricsPort, "/metrics").body().lines()
        .filter(l -> l.startsWith("dso_secret_fetches_total{") && l.contains("status=\"failed\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aProviderFailingPastTheThresholdIsNotifiedOnceThenRecovered() throws Exception {
    String canary = "CANARY-ntf3-" + fx.suffix;
    fx.secret(secret, Map.of("TOKEN", canary));
    Path config = config("""
        notifications:
          provider_outage_after: 2s
          destinations:
            - { name: ops, type: webhook, url: "%s", events: [provider_outage, provider_recovered] }
            - { name: gone, type: slack, url: "%s" }
        """.formatted(rx.url("/ops"), rx.url("/missing")));
    rx.scripts.put("/missing", List.of(404, 404, 404, 404, 404, 404, 404, 404));

    // Without an agent, `dso notifications test` sends from this process: ops answers 200, gone 404.
    ProcessBuilder pb = new ProcessBuilder(AgentProcess.repoRoot().resolve("dso").toString(),
        "notifications", "test", "-c", config.toString(), "--json").directory(dir.toFile());
    pb.environment().put("DSO_SKIP_BUILD", "1");
    pb.environment().put("DSO_SOCKET", dir.resolve("no-agent.sock").toString());
    pb.redirectError(dir.resolve("cli-stderr.log").toFile());
    Process cli = pb.start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).as("a failed destination fails the command: " + out).isEqualTo(1);
    JsonNode result = RotationFixture.JSON.readTree(out);
    assertThat(result.path("via").asText()).isEqualTo("local");
    assertThat(result.path("results")).hasSize(2);
    assertThat(result.path("results").get(0).path("destination").asText()).isEqualTo("ops");
    assertThat(result.path("results").get(0).path("ok").asBoolean()).isTrue();
    assertThat(result.path("results").get(0).path("status").asInt()).isEqualTo(200);
    assertThat(result.path("results").get(1).path("ok").asBoolean()).isFalse();
    assertThat(result.path("results").get(1).path("status").asInt()).isEqualTo(404);
    assertThat(rx.json("/ops").getFirst().path("event").asText()).isEqualTo("test");
    rx.bodies.clear();

    try (AgentProcess agent = fx.start(config, Map.of())) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> fx.audit("secret_fetch").stream().anyMatch(r -> r.path("status").asText().equals("success")));
      Files.delete(fx.secrets);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(rx.json("/ops")).anySatisfy(b -> assertThat(b.path("event").asText()).isEqualTo("provider_outage")));
      // keep failing a while longer: still one outage notification (failures after the first of an
      // outage and the one that outlasted the threshold are metric samples, not audit records)
      double failedBefore = failedFetches(agent);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
          failedFetches(agent) >= failedBefore + 3);
      fx.secret(secret, Map.of("TOKEN", canary));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
          assertThat(rx.json("/ops")).anySatisfy(b -> assertThat(b.path("event").asText()).isEqualTo("provider_recovered")));
      agent.terminate();
    }
    List<String> events = rx.json("/ops").stream().map(b -> b.path("event").asText()).toList();
    assertThat(events).containsExactly("provider_outage", "provider_recovered");
    JsonNode outage = rx.json("/ops").getFirst();
    assertThat(outage.path("provider").asText()).isNotEmpty();
    assertThat(outage.path("error").asText()).contains("does not exist");
    for (String body : rx.all()) {
      assertThat(body).doesNotContain(canary);
    }
  }
}
