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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGTERM reaches the real agent while a rolling or restart rotation sits right after one of its
 * steps ({@code DSO_FAULT_PAUSE_AFTER=<strategy>:<step>} holds the rotation there until the stop
 * deadline). The agent must exit within {@code agent.shutdown_timeout} plus a margin and leave
 * exactly one running container under the name, holding one consistent version, no
 * {@code _dso_new}/{@code _dso_old} behind, no journal entry, an audit log that parses line by line
 * and ends with {@code agent_stop}, and no audit-writer failure on stderr.
 */
@Tag("docker")
class SigtermDuringRotationIT {
  private static final int SHUTDOWN_TIMEOUT_S = 3;
  /** JVM exit, rollback (a few Docker calls, a stop with the 2 s grace) on a slow shared machine. */
  private static final Duration MARGIN = Duration.ofSeconds(25);
  private static final List<String> ROLLING =
      List.of("created", "started", "healthy", "renamed_old", "renamed_new", "stopped_old", "removed_old");
  private static final List<String> RESTART =
      List.of("created", "stopped_old", "renamed_old", "renamed_new", "started", "healthy", "removed_old");

  @TempDir Path dir;
  private RotationFixture fx;
  /** Unique per test: agents of other test runs on the shared daemon must not see this target as theirs. */
  private String secret;

  static Stream<Arguments> steps() {
    List<Arguments> all = new ArrayList<>();
    ROLLING.forEach(s -> all.add(Arguments.of("rolling", s)));
    RESTART.forEach(s -> all.add(Arguments.of("restart", s)));
    return all.stream();
  }

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
    secret = "term-" + fx.suffix + "/token";
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs("sigterm-" + info.getDisplayName().replaceAll("[^A-Za-z0-9_:-]", "_"));
    fx.close();
  }

  private Path config() throws Exception {
    return config(SHUTDOWN_TIMEOUT_S);
  }

  private Path config(int shutdownTimeoutS) throws Exception {
    Path config = dir.resolve("dso.yaml");
    Files.writeString(config, """
        provider: local
        config: { path: secrets.json }
        agent:
          watch: { polling_interval: 1s }
          rotation: { strategy: rolling, health_check_timeout: 20s, max_parallel: 2, cooldown: 1s }
          restart_strategy: { grace_period: 2s }
          shutdown_timeout: %ds
        secrets:
          - name: %s
            inject: env
            rotation: true
        """.formatted(shutdownTimeoutS, secret));
    return config;
  }

  @ParameterizedTest(name = "SIGTERM after {0}:{1}")
  @MethodSource("steps")
  void aStopMidRotationLeavesOneConsistentContainerAndACompleteAuditLog(String strategy, String step) throws Exception {
    String name = fx.name("term-" + strategy.substring(0, 4));
    fx.secret(secret, Map.of("TOKEN", "v1"));
    fx.runTarget(name, secret, List.of("--label", "dso.update.strategy=" + strategy), RotationFixture.HEALTHY);
    Path config = config();

    // 1. a plain agent gives the target v1 (its first injection), then stops
    try (AgentProcess setup = fx.start(config, Map.of())) {
      awaitValue(name, "v1");
      setup.terminate();
    }
    String v1Label = RotationFixture.labels(fx.inspect(name)).get("dso.env." + secret);
    Files.copy(dir.resolve("stderr.log"), dir.resolve("stderr-1.log"), StandardCopyOption.REPLACE_EXISTING);

    // 2. the v2 rotation pauses right after the step; SIGTERM lands there
    Duration took;
    try (AgentProcess agent = fx.start(config, Map.of("DSO_FAULT_PAUSE_AFTER", strategy + ":" + step))) {
      awaitReady();
      fx.secret(secret, Map.of("TOKEN", "v2"));
      String marker = "fault injection: pausing after " + strategy + ":" + step;
      await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(dir.resolve("stderr.log")).contains(marker));
      long t0 = System.nanoTime();
      Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(agent.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      OptionalInt exit = agent.awaitExit(Duration.ofSeconds(SHUTDOWN_TIMEOUT_S).plus(MARGIN));
      took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(exit).as("agent exits within shutdown_timeout + %s after SIGTERM at %s:%s", MARGIN, strategy, step).isPresent();
    }

    // 3. one running container under the name, on v1 or v2 with the matching version label
    List<String> family = fx.family(name);
    fx.assertSingleRunning(name);
    JsonNode c = fx.inspect(name);
    String token = RotationFixture.env(c).get("TOKEN");
    String label = RotationFixture.labels(c).get("dso.env." + secret);
    assertThat(token).isIn("v1", "v2");
    if (token.equals("v1")) {
      assertThat(label).isEqualTo(v1Label);
    } else {
      assertThat(label).isNotBlank().isNotEqualTo(v1Label);
    }
    assertThat(journalFiles()).as("rotation journal after the stop").isEmpty();

    // 4. the audit log parses line by line, lost nothing of the rotation and ends with agent_stop
    List<String> lines = Files.readAllLines(dir.resolve("audit.log"));
    List<JsonNode> records = new ArrayList<>();
    for (String line : lines) {
      records.add(RotationFixture.JSON.readTree(line));
    }
    assertThat(records.getLast().path("event").asText()).isEqualTo("agent_stop");
    assertThat(records.stream().filter(r -> r.path("event").asText().equals("agent_stop"))).hasSize(2);
    List<JsonNode> secondRun = records.subList(indexOfFirstStop(records) + 1, records.size());
    boolean rotated = token.equals("v2");
    assertThat(secondRun.stream().anyMatch(r -> r.path("event").asText().equals(rotated ? "secret_rotate" : "rotation_rollback")))
        .as("the second run audits how its rotation ended (%s)", rotated ? "secret_rotate" : "rotation_rollback").isTrue();
    String stderr = Files.readString(dir.resolve("stderr.log"));
    assertThat(stderr).doesNotContain("ClosedChannelException", "UncheckedIOException", "ROLLBACK INCOMPLETE",
        "audit log already closed");
    System.out.printf("SIGTERM %s:%s exited in %d ms; ended on %s; containers %s%n",
        strategy, step, took.toMillis(), token, family);
  }

  @Test
  void aRotationThatCanFinishWithinTheShutdownTimeoutIsDrainedNotRolledBack() throws Exception {
    String name = fx.name("term-drain");
    fx.secret(secret, Map.of("TOKEN", "v1"));
    // the v2 container becomes healthy about 6 s after it starts: SIGTERM lands inside its health gate
    fx.runTarget(name, secret, List.of("--label", "dso.update.strategy=rolling", "--health-start-period", "60s"),
        RotationFixture.HEALTHY, "sh", "-c",
        "[ \"$TOKEN\" = v2 ] && sleep 6; mkdir -p /www; echo ok >/www/index.html; httpd -f -p 127.0.0.1:8080 -h /www &"
            + " trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done");
    Path config = config(60);
    try (AgentProcess agent = fx.start(config, Map.of())) {
      awaitValue(name, "v1");
      fx.secret(secret, Map.of("TOKEN", "v2"));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> fx.family(name).contains(name + "_dso_new running"));
      long t0 = System.nanoTime();
      Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(agent.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.awaitExit(Duration.ofSeconds(60).plus(MARGIN))).isPresent();
      System.out.printf("SIGTERM inside a 6 s health gate: exited in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    fx.assertSingleRunning(name);
    assertThat(RotationFixture.env(fx.inspect(name))).containsEntry("TOKEN", "v2");
    List<String> events = new ArrayList<>();
    for (JsonNode r : fx.audit(null)) {
      events.add(r.path("event").asText() + "/" + r.path("status").asText());
    }
    assertThat(events).contains("secret_rotate/success").doesNotContain("rotation_rollback/success", "rotation_rollback/failed");
    assertThat(events.getLast()).isEqualTo("agent_stop/success");
  }

  private static int indexOfFirstStop(List<JsonNode> records) {
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).path("event").asText().equals("agent_stop")) {
        return i;
      }
    }
    return -1;
  }

  private List<String> journalFiles() throws Exception {
    Path rotations = dir.resolve("state/rotations");
    if (!Files.isDirectory(rotations)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(rotations)) {
      return s.filter(f -> f.toString().endsWith(".json")).map(p -> p.getFileName().toString()).toList();
    }
  }

  private void awaitReady() {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
        assertThat(AgentProcess.get(fx.apiPort, "/ready").statusCode()).isEqualTo(200));
  }

  private void awaitValue(String name, String value) {
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      fx.assertSingleRunning(name);
      assertThat(RotationFixture.env(fx.inspect(name))).containsEntry("TOKEN", value);
    });
  }
}
