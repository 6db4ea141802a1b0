package io.dso.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("prometheus")
class PrometheusServerTest {
    static final String EXPOSITION = """
        # HELP dso_rig_probe A fixed value served to the test Prometheus.
        # TYPE dso_rig_probe gauge
        dso_rig_probe{kind="fixed"} 42
        """;

    /** A tiny exporter on 127.0.0.1 serving the given exposition text on /metrics. */
    static HttpServer exporter(String exposition) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = exposition.getBytes(StandardCharsets.UTF_8);
        server.createContext("/metrics", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    static String target(HttpServer server) {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void scrapesALoopbackTargetAndAnswersQueries(@TempDir Path dir) throws IOException {
        HttpServer exporter = exporter(EXPOSITION);
        try (PrometheusServer prom = PrometheusServer.start(dir, List.of(target(exporter)), Duration.ofSeconds(1))) {
            assertThat(prom.baseUri().getHost()).isEqualTo("127.0.0.1");
            prom.awaitTargetsUp(Duration.ofSeconds(20));

            List<JsonNode> result = prom.awaitNonEmpty("dso_rig_probe", Duration.ofSeconds(10));
            assertThat(result).hasSize(1);
            assertThat(result.get(0).path("metric").path("kind").asText()).isEqualTo("fixed");
            assertThat(result.get(0).path("metric").path("job").asText()).isEqualTo("dso");
            assertThat(result.get(0).path("value").get(1).asText()).isEqualTo("42");

            assertThat(prom.query("sum(dso_rig_probe) * 2").path("data").path("result").get(0)
                .path("value").get(1).asText()).isEqualTo("84");
            assertThat(prom.queryResult("dso_no_such_metric")).isEmpty();
        } finally {
            exporter.stop(0);
        }
    }
}
