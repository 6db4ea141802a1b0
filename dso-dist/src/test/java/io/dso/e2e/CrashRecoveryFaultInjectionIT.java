package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent halts (like SIGKILL: no shutdown hooks) right after each journaled step of a rolling or
 * restart rotation ({@code DSO_FAULT_CRASH_AFTER=<strategy>:<step>}); started again without the
 * fault, it must leave every target with exactly one running container under its name, no
 * {@code _dso_new}/{@code _dso_old} leftovers, and on the newest value (written while it was down).
 */
@Tag("docker")
class CrashRecoveryFaultInjectionIT {
  private static final String SECRET = "app/token";
  private static final String SECRET_YAML = """
      - name: app/token
        inject: env
        rotation: true
      """;
  private static final List<String> ROLLING =
      List.of("created", "started", "healthy", "renamed_old", "renamed_new", "stopped_old", "removed_old");
  private static final List<String> RESTART =
      List.of("created", "stopped_old", "renamed_old", "renamed_new", "started", "healthy", "removed_old");

  @TempDir Path dir;
  private RotationFixture fx;

  static Stream<Arguments> faults() {
    List<Arguments> all = new ArrayList<>();
    ROLLING.forEach(s -> all.add(Arguments.of("rolling", s)));
    RESTART.forEach(s -> all.add(Arguments.of("restart", s)));
    return all.stream();
  }

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs("crash-" + info.getDisplayName().replaceAll("[^A-Za-z0-9_:-]", "_"));
    fx.close();
  }

  @ParameterizedTest(name = "halt after {0}:{1}")
  @MethodSource("faults")
  void afterARestartEveryTargetHasOneRunningContainerOnTheNewestValue(String strategy, String step) throws Exception {
    List<String> targets = List.of(fx.name(strategy.substring(0, 4) + "-a"), fx.name(strategy.substring(0, 4) + "-b"));
    fx.secret(SECRET, Map.of("TOKEN", "v1"));
    for (String t : targets) {
      fx.runTarget(t, SECRET, List.of("--label", "dso.update.strategy=" + strategy), RotationFixture.HEALTHY);
    }
    Path config = fx.config("rolling", 2, SECRET_YAML);

    // 1. a healthy agent gives both targets v1 (first injection), then stops
    try (AgentProcess setup = fx.start(config, Map.of())) {
      awaitValue(targets, "v1", Duration.ofSeconds(30));
      setup.terminate();
    }
    String v1Label = RotationFixture.labels(fx.inspect(targets.getFirst())).get("dso.env." + SECRET);
    Files.copy(dir.resolve("stderr.log"), dir.resolve("stderr-1.log"), StandardCopyOption.REPLACE_EXISTING);

    // 2. the faulty agent halts right after journaling the step of the v2 rotation
    long tChange;
    try (AgentProcess faulty = fx.start(config, Map.of("DSO_FAULT_CRASH_AFTER", strategy + ":" + step))) {
      awaitReady();
      tChange = System.nanoTime();
      fx.secret(SECRET, Map.of("TOKEN", "v2"));
      OptionalInt exit = faulty.awaitExit(Duration.ofSeconds(30));
      assertThat(exit).as("the agent halts after %s:%s within 30 s", strategy, step).isPresent();
      assertThat(exit.getAsInt()).isEqualTo(137);
    }
    long haltMs = (System.nanoTime() - tChange) / 1_000_000;
    Files.copy(dir.resolve("stderr.log"), dir.resolve("stderr-2.log"), StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.readString(dir.resolve("stderr-2.log"))).contains("fault injection: halting after " + strategy + ":" + step);
    List<String> leftAfterCrash = new ArrayList<>();
    targets.forEach(t -> leftAfterCrash.addAll(fx.family(t)));
    List<String> journal = journalFiles();

    // 3. v3 arrives while the agent is down; the restarted agent recovers and converges on it
    fx.secret(SECRET, Map.of("TOKEN", "v3"));
    long t0 = System.nanoTime();
    try (AgentProcess healed = fx.start(config, Map.of())) {
      awaitValue(targets, "v3", Duration.ofSeconds(30));
      long convergedMs = (System.nanoTime() - t0) / 1_000_000;
      String v3Label = RotationFixture.labels(fx.inspect(targets.getFirst())).get("dso.env." + SECRET);
      assertThat(v3Label).isNotBlank().isNotEqualTo(v1Label);
      for (String t : targets) {
        assertThat(RotationFixture.labels(fx.inspect(t))).containsEntry("dso.env." + SECRET, v3Label)
            .containsEntry("dso.update.strategy", strategy);
      }
      assertThat(journalFiles()).as("journal after recovery").isEmpty();
      List<String> recovery = Files.readAllLines(dir.resolve("stderr.log")).stream()
          .filter(l -> l.contains("recovery: ")).map(l -> l.substring(l.indexOf("recovery: ") + 10)).toList();
      System.out.printf("FAULT %s:%s halted %d ms after the change; left %s; journal %s; recovery %s; converged on v3 %d ms after restart%n",
          strategy, step, haltMs, leftAfterCrash, journal, recovery, convergedMs);
      healed.terminate();
    }
  }

  private List<String> journalFiles() throws Exception {
    Path rotations = dir.resolve("state/rotations");
    if (!Files.isDirectory(rotations)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(rotations)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".json")).toList()) {
        JsonNode e = RotationFixture.JSON.readTree(p.toFile());
        out.add(e.path("container").asText().replaceAll("^dso-rot-|-[0-9a-f]{8}$", "") + "@" + e.path("step").asText());
      }
    }
    return out;
  }

  private void awaitReady() {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(AgentProcess.get(fx.apiPort, "/ready").statusCode()).isEqualTo(200));
  }

  /** Every target: exactly one container under its name (no temporaries), running, with TOKEN=value. */
  private void awaitValue(List<String> targets, String value, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (String t : targets) {
        fx.assertSingleRunning(t);
        JsonNode c = fx.inspect(t);
        assertThat(RotationFixture.env(c)).as(t).containsEntry("TOKEN", value);
        assertThat(c.path("State").path("Running").asBoolean()).isTrue();
      }
    });
  }
}
