package io.dso.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/: the Prometheus alert rules and scrape example, and the Grafana dashboard. */
@Tag("prometheus")
class DeployArtefactsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The documented Grafana snippet (total fetches, active secrets), word for word. */
    static final String CONTRACT_SNIPPET = """
        {
          "annotations": { "list": [] },
          "editable": true,
          "panels": [
            {
              "title": "Total Secret Fetches",
              "type": "stat",
              "targets": [
                { "expr": "sum(dso_secret_fetches_total)" }
              ]
            },
            {
              "title": "Active Cached Secrets",
              "type": "gauge",
              "targets": [
                { "expr": "dso_active_secrets" }
              ]
            }
          ],
          "title": "DSO Operational Metrics"
        }
        """;

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy"))) {
                return p;
            }
        }
        throw new AssertionError("no deploy/ directory above " + Path.of("").toAbsolutePath());
    }

    static Path deploy(String relative) {
        return repoRoot().resolve("deploy").resolve(relative);
    }

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(Files.readString(deploy("grafana/dso-dashboard.json")));
    }

    static String promtool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PrometheusServer.binary("promtool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as("%s\n%s", cmd, out).isZero();
        return out;
    }

    @Test
    void alertRulesPassPromtool() throws Exception {
        assertThat(promtool("check", "rules", deploy("prometheus/dso-alerts.yml").toString()))
            .contains("SUCCESS: 5 rules found");
    }

    @Test
    void scrapeExamplePassesPromtoolWithItsRuleFile() throws Exception {
        assertThat(promtool("check", "config", deploy("prometheus/prometheus-scrape-example.yml").toString()))
            .contains("SUCCESS: 1 rule files found").contains("valid prometheus config file syntax");
        assertThat(Files.readString(deploy("prometheus/prometheus-scrape-example.yml")))
            .contains("job_name: dso").contains("\"127.0.0.1:9090\"");
    }

    @Test
    void alertsFireOnTheirConditions(@TempDir Path dir) throws Exception {
        Path tests = dir.resolve("dso-alerts.test.yml");
        Files.writeString(tests, AlertRuleCases.yaml(deploy("prometheus/dso-alerts.yml")));
        assertThat(promtool("test", "rules", tests.toString())).contains("SUCCESS");
    }

    @Test
    void dashboardContainsTheDocumentedPanelsVerbatim() throws Exception {
        JsonNode dash = dashboard();
        JsonNode contract = JSON.readTree(CONTRACT_SNIPPET);
        assertThat(dash.path("title").asText()).isEqualTo("DSO Operational Metrics");
        assertThat(dash.path("schemaVersion").asInt()).isBetween(36, 41);
        for (Map.Entry<String, JsonNode> e : contract.properties()) {
            if (!e.getKey().equals("panels")) {
                assertSubset("top-level " + e.getKey(), e.getValue(), dash.path(e.getKey()));
            }
        }
        for (JsonNode contractPanel : contract.path("panels")) {
            JsonNode panel = panelTitled(dash, contractPanel.path("title").asText());
            assertSubset("panel " + contractPanel.path("title"), contractPanel, panel);
        }
    }

    @Test
    void everyPanelHasAQueryAndTheDatasourceVariable() throws Exception {
        JsonNode dash = dashboard();
        assertThat(dash.path("panels").size()).isGreaterThanOrEqualTo(8);
        for (JsonNode panel : dash.path("panels")) {
            assertThat(panel.path("targets").size()).as("targets of %s", panel.path("title")).isPositive();
            for (JsonNode t : panel.path("targets")) {
                assertThat(t.path("expr").asText()).as("expr in %s", panel.path("title")).isNotBlank();
            }
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
        }
        assertThat(dash.path("templating").path("list").get(0).path("type").asText()).isEqualTo("datasource");
    }

    /**
     * A real Prometheus scrapes an exposition shaped like a freshly started agent (every labelled series
     * pre-created at 0), loads the alert rules, and every dashboard query returns data.
     */
    @Test
    void everyDashboardQueryAnswersFromAScrapeAndRulesLoad(@TempDir Path dir) throws Exception {
        HttpServer agent = PrometheusServerTest.exporter(AgentExposition.FRESH_AGENT);
        try (PrometheusServer prom = PrometheusServer.start(dir, List.of(PrometheusServerTest.target(agent)),
            Duration.ofSeconds(1), List.of(deploy("prometheus/dso-alerts.yml")))) {
            prom.awaitTargetsUp(Duration.ofSeconds(20));
            for (JsonNode panel : dashboard().path("panels")) {
                for (JsonNode t : panel.path("targets")) {
                    assertThat(prom.awaitNonEmpty(t.path("expr").asText(), Duration.ofSeconds(20)))
                        .as("panel %s", panel.path("title")).isNotEmpty();
                }
            }
            assertThat(prom.queryResult("rate(dso_provider_errors_total{provider=\"aws\"}[5m])")).hasSize(1);
            List<String> alerts = new ArrayList<>();
            for (JsonNode group : prom.api("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    assertThat(rule.path("health").asText()).as("rule %s", rule.path("name")).isNotEqualTo("err");
                    alerts.add(rule.path("name").asText());
                }
            }
            assertThat(alerts).containsExactlyInAnyOrder("DsoProviderFailing", "DsoAgentDown", "DsoAgentDown",
                "DsoSecretStale", "DsoDockerUnreachable");
        } finally {
            agent.stop(0);
        }
    }

    private static JsonNode panelTitled(JsonNode dash, String title) {
        for (JsonNode p : dash.path("panels")) {
            if (p.path("title").asText().equals(title)) {
                return p;
            }
        }
        throw new AssertionError("dashboard has no panel titled " + title);
    }

    /** Every key of an expected object is in the actual one with the same value (arrays element-wise). */
    private static void assertSubset(String where, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            assertThat(actual.isObject()).as("%s is an object", where).isTrue();
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                assertSubset(where + "." + e.getKey(), e.getValue(), actual.path(e.getKey()));
            }
        } else if (expected.isArray()) {
            assertThat(actual.size()).as("%s length", where).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSubset(where + "[" + i + "]", expected.get(i), actual.get(i));
            }
        } else {
            assertThat(actual).as(where).isEqualTo(expected);
        }
    }
}
