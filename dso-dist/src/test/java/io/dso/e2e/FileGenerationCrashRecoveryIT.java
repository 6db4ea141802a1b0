package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The agent halts in the middle of a replacing rotation of a file-mode secret, when the clone and
 * its new file generation exist beside the old container and its generation. Started again, it
 * must end with one running container whose files are present and current, and every other
 * generation (the clone's or the old container's, whichever lost) wiped.
 */
@Tag("docker")
class FileGenerationCrashRecoveryIT {
  private static final String SECRET = "app/file";
  private static final String FILE = "/run/secrets/app/TOKEN";
  private static final String SECRET_YAML = """
      - name: app/file
        inject: { type: file, path: /run/secrets/app }
        rotation: true
      """;

  @TempDir Path dir;
  private RotationFixture fx;

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs("file-crash-" + info.getDisplayName().replaceAll("[^A-Za-z0-9_:-]", "_"));
    fx.close();
  }

  @ParameterizedTest(name = "halt after {0}:{1}")
  @CsvSource({"rolling,created", "rolling,healthy", "rolling,renamed_new", "restart,started"})
  void afterARestartTheSurvivorReadsCurrentFilesAndNoOtherGenerationIsLeft(String strategy, String step) throws Exception {
    String x = fx.name("fcrash-" + strategy.substring(0, 4));
    Path shm = fx.shmDir();
    fx.secret(SECRET, Map.of("TOKEN", "v1"));
    fx.runTarget(x, SECRET, List.of("--label", "dso.update.strategy=" + strategy), RotationFixture.HEALTHY);
    Path config = fx.config("rolling", 2, SECRET_YAML);

    try (AgentProcess setup = fx.start(config, Map.of(), "--secrets-dir", shm.toString())) {
      awaitOnlyGeneration(x, shm, "v1");
      setup.terminate();
    }
    try (AgentProcess faulty = fx.start(config, Map.of("DSO_FAULT_CRASH_AFTER", strategy + ":" + step),
        "--secrets-dir", shm.toString())) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
          assertThat(AgentProcess.get(fx.apiPort, "/ready").statusCode()).isEqualTo(200));
      fx.secret(SECRET, Map.of("TOKEN", "v2"));
      OptionalInt exit = faulty.awaitExit(Duration.ofSeconds(30));
      assertThat(exit).as("the agent halts after %s:%s", strategy, step).isPresent();
    }
    assertThat(generations(shm, x)).as("the halted rotation left two generations").hasSize(2);

    try (AgentProcess healed = fx.start(config, Map.of(), "--secrets-dir", shm.toString())) {
      awaitOnlyGeneration(x, shm, "v2");
      healed.terminate();
    }
  }

  /** One running container named x reading {@code value}, and its generation is the only one on the tmpfs. */
  private void awaitOnlyGeneration(String x, Path shm, String value) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
      fx.assertSingleRunning(x);
      assertThat(fx.ok("exec", x, "cat", FILE)).isEqualTo(value);
      Path source = mountSource(fx.inspect(x));
      assertThat(generations(shm, x)).containsExactly(source.getParent().getParent().getFileName().toString());
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

  private static List<String> generations(Path shm, String x) throws Exception {
    try (Stream<Path> s = Files.list(shm.resolve(x))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
