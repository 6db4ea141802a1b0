package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.testing.FreePorts;
import io.dso.testing.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observability contract (metric names, labels and the documented PromQL), measured end to end: the real agent (through ./dso) with a
 * provider that works and one that fails, scraped every second by a real Prometheus.
 */
@Tag("prometheus")
class AgentPrometheusIT {
  private static final String CANARY = "CANARY-e2e-5d1f0b7c9a";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void documentedQueriesAndEveryDashboardPanelReturnDataFromARealScrape() throws Exception {
    Path secrets = dir.resolve("secrets.json");
    Files.writeString(secrets, "{\"app/db\": {\"DB_PASSWORD\": \"" + CANARY + "\", \"DB_USER\": \"app\"}}");
    // The failing provider is named "aws" so that the documented per-provider PromQL has a series to select.
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        providers:
          local: { type: local, config: { path: secrets.json } }
          aws: { type: local, config: { path: does-not-exist.json }, retry: { attempts: 1 } }
        agent:
          watch: { mode: polling, polling_interval: 1s }
        secrets:
          - name: app/db
            provider: local
            rotation: true
            mappings: { DB_PASSWORD: DB_PASSWORD, DB_USER: DB_USER }
          - name: app/api
            provider: aws
            rotation: true
        """);
    int metricsPort = FreePorts.loopback();
    int apiPort = FreePorts.loopback();
    try (AgentProcess agent = AgentProcess.start(dir, config, metricsPort, apiPort,
            Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")));
        PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prom"), List.of("127.0.0.1:" + metricsPort), Duration.ofSeconds(1))) {
      agent.awaitMetrics(Duration.ofSeconds(60));
      prometheus.awaitTargetsUp(Duration.ofSeconds(30));

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(value(prometheus, "sum(dso_secret_fetches_total)")).isGreaterThanOrEqualTo(3));
      assertThat(value(prometheus, "dso_active_secrets")).isEqualTo(1.0);
      assertThat(value(prometheus, "dso_agent_uptime_seconds")).isGreaterThan(0.0);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(value(prometheus, "rate(dso_provider_errors_total{provider=\"aws\"}[1m])")).isGreaterThan(0.1));
      assertThat(value(prometheus, "rate(dso_provider_errors_total{provider=\"local\"}[1m])")).isEqualTo(0.0);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(prometheus.queryResult("rate(dso_provider_errors_total{provider=\"aws\"}[5m])")).isNotEmpty());

      for (String expr : dashboardExprs()) {
        prometheus.awaitNonEmpty(expr, Duration.ofSeconds(30));
      }

      // A change in the provider is detected by polling and audited.
      Files.writeString(secrets, "{\"app/db\": {\"DB_PASSWORD\": \"" + CANARY + "-2\", \"DB_USER\": \"app\"}}");
      await().atMost(Duration.ofSeconds(15)).until(() -> Files.readString(agent.audit).contains("\"secret_change_detected\""));

      String metricsBody = AgentProcess.get(metricsPort, "/metrics").body();
      String secretsBody = AgentProcess.get(apiPort, "/api/secrets").body();
      var ready = AgentProcess.get(apiPort, "/ready");
      assertThat(ready.statusCode()).as("docker unreachable -> not ready").isEqualTo(503);
      assertThat(ready.body()).contains("\"docker\":\"unreachable\"");
      assertThat(value(prometheus, "dso_docker_up")).isEqualTo(0.0);

      Duration stopTook = agent.terminate();
      assertThat(stopTook).isLessThan(Duration.ofSeconds(5));

      List<JsonNode> records = auditRecords(agent.audit);
      assertThat(records).allSatisfy(r -> assertThat(fieldNames(r)).startsWith(
          "timestamp", "level", "event", "user", "provider", "secret_name", "container_id", "status"));
      List<String> events = records.stream().map(r -> r.get("event").asText()).toList();
      assertThat(events).contains("config_load", "agent_start", "secret_fetch", "secret_change_detected", "secret_purge");
      assertThat(events.getLast()).isEqualTo("agent_stop");
      assertThat(records).anySatisfy(r -> {
        assertThat(r.get("event").asText()).isEqualTo("secret_fetch");
        assertThat(r.get("provider").asText()).isEqualTo("aws");
        assertThat(r.get("status").asText()).isEqualTo("failed");
      });

      // Canary: the secret value is nowhere the agent wrote or answered.
      assertThat(metricsBody).doesNotContain(CANARY);
      assertThat(secretsBody).contains("app/db").doesNotContain(CANARY);
      for (Path written : writtenByAgent(agent)) {
        // bytes: the state dir holds binary files (the HMAC key)
        assertThat(new String(Files.readAllBytes(written), java.nio.charset.StandardCharsets.ISO_8859_1)).as(written.toString()).doesNotContain(CANARY);
      }
    }
  }

  private static double value(PrometheusServer prometheus, String promql) throws Exception {
    List<JsonNode> result = prometheus.queryResult(promql);
    assertThat(result).as(promql).isNotEmpty();
    return result.getFirst().get("value").get(1).asDouble();
  }

  static List<String> dashboardExprs() throws Exception {
    JsonNode dashboard = JSON.readTree(AgentProcess.repoRoot().resolve("deploy/grafana/dso-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          exprs.add(target.get("expr").asText());
        }
      }
    }
    assertThat(exprs).contains("sum(dso_secret_fetches_total)", "dso_active_secrets");
    return exprs;
  }

  static List<JsonNode> auditRecords(Path audit) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(audit)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  /** stdout, stderr, the audit log and every file under the state dir. */
  static List<Path> writtenByAgent(AgentProcess agent) throws Exception {
    List<Path> files = new ArrayList<>(List.of(agent.stdout, agent.stderr, agent.audit));
    if (Files.isDirectory(agent.stateDir)) {
      try (Stream<Path> s = Files.walk(agent.stateDir)) {
        s.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    return files;
  }
}
