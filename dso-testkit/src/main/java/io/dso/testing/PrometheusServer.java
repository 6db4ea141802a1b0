package io.dso.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (the Debian {@code prometheus} binary) on 127.0.0.1, scraping the given targets as
 * job {@code dso}. Always use it in try-with-resources: {@link #close()} stops the process.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final String NEED_PROMETHEUS =
        "Prometheus tests need the prometheus and promtool binaries: run ./run-tests, which installs them";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final URI base;
    private final Path log;
    private final int expectedTargets;
    private final Thread reaper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(Process process, URI base, Path log, int expectedTargets) {
        this.process = process;
        this.base = base;
        this.log = log;
        this.expectedTargets = expectedTargets;
        this.reaper = new Thread(process::destroyForcibly, "prometheus-reaper");
        Runtime.getRuntime().addShutdownHook(reaper); // a crashed test JVM leaves no prometheus behind
    }

    public static PrometheusServer start(Path workDir, List<String> scrapeTargets, Duration scrapeInterval) {
        return start(workDir, scrapeTargets, scrapeInterval, List.of());
    }

    /** As {@link #start(Path, List, Duration)}, also loading rule files (evaluated every scrape interval). */
    public static PrometheusServer start(Path workDir, List<String> scrapeTargets, Duration scrapeInterval,
                                         List<Path> ruleFiles) {
        Path binary = binary("prometheus");
        String every = scrapeInterval.toMillis() + "ms";
        String config = "global:\n"
            + "  scrape_interval: " + every + "\n"
            + "  scrape_timeout: " + every + "\n"
            + "  evaluation_interval: " + every + "\n"
            + "rule_files: [" + ruleFiles.stream().map(p -> quote(p.toAbsolutePath().toString()))
                .collect(Collectors.joining(", ")) + "]\n"
            + "scrape_configs:\n"
            + "  - job_name: dso\n"
            + "    static_configs:\n"
            + "      - targets: [" + scrapeTargets.stream().map(PrometheusServer::quote)
                .collect(Collectors.joining(", ")) + "]\n";
        try {
            Files.createDirectories(workDir);
            Path configFile = workDir.resolve("prometheus.yml");
            Files.writeString(configFile, config);
            Path log = workDir.resolve("prometheus.log");
            String lastFailure = "";
            for (int attempt = 1; attempt <= 3; attempt++) { // the free port may be taken meanwhile
                int port = FreePorts.loopback();
                Process p = new ProcessBuilder(binary.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + workDir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=info")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
                PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port), log,
                    scrapeTargets.size());
                if (server.awaitReady(Duration.ofSeconds(20))) {
                    return server;
                }
                lastFailure = server.logTail();
                server.close();
                if (!lastFailure.contains("address already in use")) {
                    break;
                }
            }
            throw new AssertionError("prometheus did not become ready on 127.0.0.1; log tail:\n" + lastFailure);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start prometheus in " + workDir, e);
        }
    }

    /** Absolute path of an executable on PATH; missing: fail under the rig/CI, skip in an IDE. */
    static Path binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw RigPolicy.unavailable(NEED_PROMETHEUS, name + " not found on PATH");
    }

    public URI baseUri() {
        return base;
    }

    private boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            pause();
        }
        return false;
    }

    /** Polls /api/v1/targets until every scrape target reports health "up" (first successful scrape). */
    public void awaitTargetsUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode targets = JSON.missingNode();
        while (System.nanoTime() < deadline) {
            targets = api("/api/v1/targets").path("data").path("activeTargets");
            boolean allUp = targets.size() == expectedTargets;
            for (JsonNode t : targets) {
                allUp &= "up".equals(t.path("health").asText());
            }
            if (allUp) {
                return;
            }
            pause();
        }
        List<String> states = new ArrayList<>();
        for (JsonNode t : targets) {
            states.add(t.path("scrapeUrl").asText() + " health=" + t.path("health").asText()
                + " lastError=" + t.path("lastError").asText());
        }
        throw new AssertionError("prometheus targets not all up within " + timeout + " (expected "
            + expectedTargets + "): " + states + "\nprometheus log tail:\n" + logTail());
    }

    /** The whole /api/v1/query answer (status "success" asserted). */
    public JsonNode query(String promql) {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** data.result of an instant query. */
    public List<JsonNode> queryResult(String promql) {
        List<JsonNode> result = new ArrayList<>();
        query(promql).path("data").path("result").forEach(result::add);
        return result;
    }

    /** Polls an instant query until its result is non-empty; returns that result. */
    public List<JsonNode> awaitNonEmpty(String promql, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            List<JsonNode> result = queryResult(promql);
            if (!result.isEmpty()) {
                return result;
            }
            pause();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("query returned no series within " + timeout + ": " + promql
            + "\nprometheus log tail:\n" + logTail());
    }

    /** GET of any API path (e.g. /api/v1/rules), status "success" asserted. */
    public JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> r = get(pathAndQuery);
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new AssertionError("prometheus " + pathAndQuery + " -> HTTP " + r.statusCode() + ": " + r.body());
            }
            return body;
        } catch (IOException e) {
            throw new AssertionError("prometheus " + pathAndQuery + " failed: " + e + "\nlog tail:\n" + logTail(), e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(5)).build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("prometheus pid " + process.pid() + " survived SIGKILL");
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook runs anyway
            }
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
