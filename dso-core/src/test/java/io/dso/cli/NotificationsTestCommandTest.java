package io.dso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dso notifications test} without an agent: per-destination results, exit codes, JSON on stdout only. */
class NotificationsTestCommandTest {
  @TempDir Path dir;
  private HttpServer server;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void receiver() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext("/", ex -> {
      paths.add(ex.getRequestURI().getPath());
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(ex.getRequestURI().getPath().startsWith("/bad") ? 500 : 204, -1);
      ex.close();
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    Files.writeString(dir.resolve("s.json"), "{}");
    Files.writeString(dir.resolve("dso.yaml"), """
        provider: local
        config: { path: s.json }
        notifications:
          destinations:
            - { name: good, type: webhook, url: "%s/good" }
            - { name: bad, type: slack, url: "%s/bad/T0/B0/secretpart" }
        """.formatted(base, base));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new DsoCommand());
    cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    List<String> all = new java.util.ArrayList<>(List.of("notifications", "test", "-c", dir.resolve("dso.yaml").toString(),
        "--plugins-dir", dir.resolve("no-plugins").toString()));
    all.addAll(List.of(args));
    return cli.execute(all.toArray(String[]::new));
  }

  @Test
  void oneFailedDestinationFailsTheCommandAndEachResultIsReported() throws Exception {
    assertThat(run("--json")).isEqualTo(1);
    JsonNode doc = new ObjectMapper().readTree(out.toString());
    assertThat(doc.path("via").asText()).isEqualTo("local");
    assertThat(doc.path("results").get(0).path("destination").asText()).isEqualTo("good");
    assertThat(doc.path("results").get(0).path("status").asInt()).isEqualTo(204);
    assertThat(doc.path("results").get(0).path("ok").asBoolean()).isTrue();
    assertThat(doc.path("results").get(1).path("status").asInt()).isEqualTo(500);
    assertThat(doc.path("results").get(1).path("error").asText()).isEqualTo("HTTP 500");
    assertThat(paths).containsExactly("/good", "/bad/T0/B0/secretpart");
    assertThat(out.toString() + err).doesNotContain("secretpart");
  }

  @Test
  void oneNamedDestinationIsTestedAloneInATable() {
    assertThat(run("--destination", "good")).isEqualTo(0);
    assertThat(out.toString()).startsWith("DESTINATION  TYPE     RESULT  STATUS  TIME").contains("good         webhook  ok      204");
    assertThat(paths).containsExactly("/good");
  }

  @Test
  void anUnknownDestinationIsNotFoundWithTheConfiguredNames() {
    assertThat(run("--destination", "nope")).isEqualTo(4);
    assertThat(err.toString().strip()).isEqualTo("dso: error: no notification destination named 'nope'; configured: good, bad");
    assertThat(paths).isEmpty();
  }
}
