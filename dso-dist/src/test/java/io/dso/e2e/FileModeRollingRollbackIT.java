package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A rolling (or restart) rotation of a file-mode secret is a true blue/green: the clone mounts a new
 * generation of files, the old container keeps reading its own. After a failed health gate the old container
 * still serves the old content and version and the clone's files are gone; after a passed one the
 * new container reads the new content and the old generation is wiped.
 */
@Tag("docker")
class FileModeRollingRollbackIT {
  private static final String SECRET = "app/file";
  private static final String FILE = "/run/secrets/app/TOKEN";
  private static final String SECRET_YAML = """
      - name: app/file
        inject: { type: file, path: /run/secrets/app }
        rotation: true
      """;
  /** httpd (and so the image's HEALTHCHECK) only comes up when the secret file does not say "bad". */
  private static final String[] FILE_GATED_HTTPD = {"sh", "-c",
      "if [ \"$(cat " + FILE + " 2>/dev/null)\" != bad ]; then mkdir -p /www; echo ok >/www/index.html;"
          + " httpd -f -p 127.0.0.1:8080 -h /www & fi; trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done"};

  @TempDir Path dir;
  private RotationFixture fx;

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    fx.close();
  }

  /** Restart stops the old container before the gate; on rollback it starts again on its own, old files. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"rolling", "restart"})
  void aFailedHealthGateLeavesTheOldContainerReadingItsOldFilesAndWipesTheNewGeneration(String strategy) throws Exception {
    String x = fx.name("filerb-" + strategy.substring(0, 4));
    Path shm = fx.shmDir();
    fx.secret(SECRET, Map.of("TOKEN", "good-v1"));
    fx.runTarget(x, SECRET, List.of("--label", "dso.update.strategy=" + strategy), RotationFixture.HEALTHY, FILE_GATED_HTTPD);
    try (AgentProcess agent = fx.start(fx.config("rolling", 2, SECRET_YAML), Map.of(), "--secrets-dir", shm.toString())) {
      awaitServing(x, "good-v1");
      JsonNode before = fx.inspect(x);
      String id1 = before.path("Id").asText();
      Path source1 = mountSource(before);
      String version1 = version(source1);
      String apiVersion1 = apiVersion(x);
      assertThat(generations(shm, x)).containsExactly(source1.getParent().getParent().getFileName().toString());

      fx.secret(SECRET, Map.of("TOKEN", "bad"));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> !fx.audit("rotation_rollback", id1).isEmpty());
      JsonNode rollback = fx.audit("rotation_rollback", id1).getFirst();
      assertThat(rollback.path("step").asText()).isEqualTo("health");
      assertThat(rollback.path("strategy").asText()).isEqualTo(strategy);
      assertThat(rollback.path("status").asText()).isEqualTo("success");

      JsonNode after = fx.inspect(x);
      assertThat(after.path("Id").asText()).as("the old container still serves under its name").isEqualTo(id1);
      assertThat(after.path("State").path("Running").asBoolean()).isTrue();
      if (strategy.equals("rolling")) {
        assertThat(after.path("State").path("StartedAt").asText()).as("rolling never stopped it")
            .isEqualTo(before.path("State").path("StartedAt").asText());
      }
      assertThat(mountSource(after)).isEqualTo(source1);
      assertThat(fx.ok("exec", x, "cat", FILE)).as("the old container reads the old file").isEqualTo("good-v1");
      assertThat(version(source1)).as("the old generation keeps its version record").isEqualTo(version1);
      assertThat(apiVersion(x)).isEqualTo(apiVersion1);
      assertThat(generations(shm, x)).as("the clone's generation is wiped")
          .containsExactly(source1.getParent().getParent().getFileName().toString());
      assertThat(filesContaining(shm, "bad")).as("no file holds the rejected value").isEmpty();
      fx.assertSingleRunning(x);
      // the rollback's own container events do not retry the version that failed
      Thread.sleep(3000);
      assertThat(fx.audit("rotation_rollback", id1)).hasSize(1);
      assertThat(fx.ok("exec", x, "cat", FILE)).isEqualTo("good-v1");
      agent.terminate();
    }
  }

  @Test
  void aPassedHealthGateMovesTheNameToTheNewGenerationAndWipesTheOldOne() throws Exception {
    String x = fx.name("filerl");
    Path shm = fx.shmDir();
    fx.secret(SECRET, Map.of("TOKEN", "good-v1"));
    fx.runTarget(x, SECRET, List.of("--label", "dso.update.strategy=rolling"), RotationFixture.HEALTHY, FILE_GATED_HTTPD);
    try (AgentProcess agent = fx.start(fx.config("rolling", 2, SECRET_YAML), Map.of(), "--secrets-dir", shm.toString())) {
      awaitServing(x, "good-v1");
      JsonNode before = fx.inspect(x);
      String id1 = before.path("Id").asText();
      Path source1 = mountSource(before);
      String version1 = version(source1);
      Path generation1 = source1.getParent().getParent();

      fx.secret(SECRET, Map.of("TOKEN", "good-v2"));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        assertThat(fx.id(x)).isNotEqualTo(id1);
        assertThat(fx.ok("exec", x, "cat", FILE)).isEqualTo("good-v2");
      });
      JsonNode after = fx.inspect(x);
      Path source2 = mountSource(after);
      assertThat(source2).isNotEqualTo(source1);
      assertThat(source2.startsWith(shm.resolve(x))).isTrue();
      assertThat(version(source2)).isNotEqualTo(version1);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(generation1).as("the old generation goes with the old container").doesNotExist();
        assertThat(generations(shm, x)).containsExactly(source2.getParent().getParent().getFileName().toString());
      });
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> fx.assertSingleRunning(x));
      List<JsonNode> rot = fx.audit("secret_rotate", fx.id(x));
      assertThat(rot).singleElement().satisfies(r -> {
        assertThat(r.path("status").asText()).isEqualTo("success");
        assertThat(r.path("strategy").asText()).isEqualTo("rolling");
      });
      agent.terminate();
    }
  }

  /** The first injection replaces the container once to add the mount; then it is healthy on the value. */
  private void awaitServing(String x, String value) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
      assertThat(fx.ok("exec", x, "cat", FILE)).isEqualTo(value);
      assertThat(fx.inspect(x).path("State").path("Health").path("Status").asText()).isEqualTo("healthy");
      fx.assertSingleRunning(x);
    });
  }

  private static Path mountSource(JsonNode inspect) {
    for (JsonNode m : inspect.path("Mounts")) {
      if (m.path("Destination").asText().equals("/run/secrets/app")) {
        return Path.of(m.path("Source").asText());
      }
    }
    throw new AssertionError("no mount at /run/secrets/app: " + inspect.path("Mounts"));
  }

  /** The version recorded beside the mounted data directory. */
  private static String version(Path source) throws IOException {
    return RotationFixture.JSON.readTree(source.getParent().resolve("meta.json").toFile()).path("version").asText();
  }

  private String apiVersion(String x) throws Exception {
    JsonNode body = RotationFixture.JSON.readTree(AgentProcess.get(fx.apiPort, "/api/containers/" + x).body());
    for (JsonNode s : body.path("secrets")) {
      if (s.path("secret").asText().equals(SECRET)) {
        return s.path("version").asText();
      }
    }
    throw new AssertionError("no " + SECRET + " in " + body);
  }

  private static List<String> generations(Path shm, String x) throws IOException {
    try (Stream<Path> s = Files.list(shm.resolve(x))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static List<Path> filesContaining(Path root, String text) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> {
        try {
          return Files.readString(p).equals(text);
        } catch (IOException e) {
          return false;
        }
      }).toList();
    }
  }
}
