package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.RigResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * A docker-compose (v1) project on two {@code internal: true} networks, rotated by the real agent:
 * Compose still owns every service afterwards (one container per service in {@code docker-compose ps},
 * the Compose labels unchanged) and a later {@code docker-compose up -d} neither fails nor recreates or
 * duplicates anything. {@code web} keeps an anonymous volume (auto: restart), {@code api} has none
 * (auto: rolling).
 */
@Tag("docker")
class ComposeServiceSurvivesRotationIT {
  private static final String COMPOSE = """
      version: "2.4"
      services:
        web:
          image: dso-test/busybox:1
          init: true
          command: ["sh", "-c", "mkdir -p /www; echo up >/www/index.html; httpd -f -p 8081 -h /www & trap 'exit 0' TERM INT; wait"]
          labels: {dso.reloader: "true", dso.secrets: "%1$s"}
          volumes: ["/data"]
          networks:
            front: {aliases: [web-front]}
            back: {aliases: [web-back]}
        api:
          image: dso-test/busybox:1
          init: true
          command: ["sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 1 & wait; done"]
          labels: {dso.reloader: "true", dso.secrets: "%1$s"}
          networks: [front, back]
        probe:
          image: dso-test/busybox:1
          init: true
          command: ["sleep", "3600"]
          networks: [back]
      networks:
        front: {internal: true}
        back: {internal: true}
      """;

  @TempDir Path dir;
  private RotationFixture fx;
  private RigResources res;
  private String secret;
  private String project;
  private Path composeFile;

  @BeforeEach
  void setUp() throws IOException {
    fx = new RotationFixture(dir);
    res = new RigResources(new DockerCli(fx.host));
    // unique per run: other tests' agents must not take these containers for theirs
    secret = "compose-app/" + fx.suffix;
    project = "dsocompose" + fx.suffix;
    composeFile = dir.resolve("docker-compose.yml");
    Files.writeString(composeFile, COMPOSE.formatted(secret));
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    for (String service : List.of("web", "api")) {
      for (String id : ids(service)) {
        res.trackVolumesOf(id);
      }
    }
    compose("down", "-v", "--remove-orphans", "-t", "2");
    fx.close();
    res.close();
  }

  @Test
  void composeStillOwnsEveryServiceAfterRotationsAndUpDoesNotDuplicate() throws Exception {
    fx.secret(secret, Map.of("TOKEN", "v1"));
    ok(compose("up", "-d"));
    String web = container("web");
    String api = container("api");
    String probe = container("probe");
    fx.ok("exec", web, "sh", "-c", "echo written-before >/data/kept.txt");
    Map<String, Map<String, String>> composeLabels = new LinkedHashMap<>();
    for (String c : List.of(web, api)) {
      composeLabels.put(c, composeLabels(fx.inspect(c)));
      assertThat(composeLabels.get(c)).containsKeys("com.docker.compose.project", "com.docker.compose.service",
          "com.docker.compose.container-number", "com.docker.compose.config-hash", "com.docker.compose.oneoff");
    }
    Path config = fx.config("auto", 2, """
        - name: %s
          inject: env
          rotation: true
        """.formatted(secret));
    try (AgentProcess agent = fx.start(config, Map.of())) {
      awaitToken(List.of(web, api), "v1");
      fx.secret(secret, Map.of("TOKEN", "v2"));
      awaitToken(List.of(web, api), "v2");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(fx.audit("secret_rotate", fx.id(web))).singleElement()
            .satisfies(r -> assertThat(r.path("strategy").asText()).isEqualTo("restart"));
        assertThat(fx.audit("secret_rotate", fx.id(api))).singleElement()
            .satisfies(r -> assertThat(r.path("strategy").asText()).isEqualTo("rolling"));
      });

      for (String c : List.of(web, api)) {
        JsonNode after = fx.inspect(c);
        assertThat(composeLabels(after)).as("Compose labels of %s", c).isEqualTo(composeLabels.get(c));
        JsonNode nets = after.path("NetworkSettings").path("Networks");
        assertThat(nets.properties()).extracting(Map.Entry::getKey)
            .containsExactlyInAnyOrder(project + "_front", project + "_back");
      }
      JsonNode webNets = fx.inspect(web).path("NetworkSettings").path("Networks");
      assertThat(webNets.path(project + "_front").path("Aliases").toString()).contains("\"web\"").contains("\"web-front\"");
      assertThat(webNets.path(project + "_back").path("Aliases").toString()).contains("\"web\"").contains("\"web-back\"");
      assertThat(fx.ok("exec", web, "cat", "/data/kept.txt")).isEqualTo("written-before");
      String webBackIp = webNets.path(project + "_back").path("IPAddress").asText();
      assertThat(fx.ok("exec", probe, "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 " + webBackIp + " 8081"))
          .startsWith("HTTP/1.1 200");

      Map<String, List<String>> before = new LinkedHashMap<>();
      for (String service : List.of("web", "api", "probe")) {
        before.put(service, ids(service));
        assertThat(before.get(service)).as("docker-compose ps -q %s", service).hasSize(1);
      }
      String ps = ok(compose("ps"));
      assertThat(ps).contains(web).contains(api).contains(probe).doesNotContain("_dso_");

      ComposeRun up = compose("up", "-d");
      ok(up);
      assertThat(up.out()).doesNotContain("Recreating").doesNotContain("Creating " + project + "_web")
          .doesNotContain("Creating " + project + "_api");
      for (String service : List.of("web", "api", "probe")) {
        assertThat(ids(service)).as("%s after docker-compose up -d", service).isEqualTo(before.get(service));
      }
      assertThat(RotationFixture.env(fx.inspect(web))).containsEntry("TOKEN", "v2");
      agent.terminate();
    }
  }

  /** The one container of {@code service}, by name. */
  private String container(String service) {
    List<String> ids = ids(service);
    assertThat(ids).as("containers of service %s", service).hasSize(1);
    return fx.inspect(ids.getFirst()).path("Name").asText().substring(1);
  }

  private List<String> ids(String service) {
    ComposeRun r = compose("ps", "-q", service);
    return r.exit() != 0 || r.out().isBlank() ? List.of() : Arrays.stream(r.out().trim().split("\n")).map(String::trim).toList();
  }

  private static Map<String, String> composeLabels(JsonNode inspect) {
    Map<String, String> out = new LinkedHashMap<>();
    RotationFixture.labels(inspect).forEach((k, v) -> {
      if (k.startsWith("com.docker.compose.")) {
        out.put(k, v);
      }
    });
    return out;
  }

  private void awaitToken(List<String> names, String token) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (String n : names) {
        JsonNode c = fx.inspect(n);
        assertThat(RotationFixture.env(c)).as(n).containsEntry("TOKEN", token);
        assertThat(c.path("State").path("Running").asBoolean()).as(n + " running").isTrue();
        assertThat(fx.family(n)).as(n + " alone").containsExactly(n + " running");
      }
    });
  }

  /** What one docker-compose call returned (stderr carries its progress lines). */
  private record ComposeRun(List<String> args, int exit, String out) {}

  private static String ok(ComposeRun r) {
    assertThat(r.exit()).as("docker-compose %s: %s", r.args(), r.out()).isZero();
    return r.out();
  }

  private ComposeRun compose(String... args) {
    List<String> argv = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", composeFile.toString()));
    argv.addAll(List.of(args));
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      pb.environment().put("DOCKER_HOST", fx.host);
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          return "";
        }
      });
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(argv + " did not finish within 120 s");
      }
      return new ComposeRun(List.of(args), p.exitValue(), out.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run docker-compose (installed by the test rig)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
