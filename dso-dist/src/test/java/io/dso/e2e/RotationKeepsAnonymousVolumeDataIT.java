package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import io.dso.testing.RigResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image with {@code VOLUME /data}, run without {@code -v}: what the container wrote there survives
 * the first injection and a rotation, with rolling, restart and auto, because every replacement mounts
 * the same (anonymous) volume and no container is removed with its volumes. auto picks restart for such
 * a container; an explicit rolling is kept and warned about.
 */
@Tag("docker")
class RotationKeepsAnonymousVolumeDataIT {
  /** PID 1 that stops at once on SIGTERM (no HEALTHCHECK: the gate checks that it keeps running). */
  private static final String[] IDLE = {"sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 1 & wait $!; done"};

  @TempDir Path dir;
  private RotationFixture fx;
  /** Unique per run: agents of other tests on the same daemon must not take these containers for theirs. */
  private String secret;
  private RigResources res;
  /** Per name, the ids of every container that held it before the last rotation. */
  private final Map<String, List<String>> idsOf = new java.util.HashMap<>();

  @BeforeEach
  void setUp() {
    fx = new RotationFixture(dir);
    secret = "volume-data/" + fx.suffix;
    res = new RigResources(new DockerCli(fx.host));
  }

  @AfterEach
  void tearDown(TestInfo info) {
    fx.keepLogs(info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
    fx.close();
    res.close();
  }

  @Test
  void dataInAnAnonymousVolumeSurvivesRollingRestartAndAutoRotations() throws Exception {
    String image = RigResources.volumeImage(new DockerCli(fx.host));
    Map<String, String> strategies = Map.of("rolling", fx.name("vol-rolling"), "restart", fx.name("vol-restart"),
        "auto", fx.name("vol-auto"));
    fx.secret(secret, Map.of("TOKEN", "v1"));
    Map<String, String> volumeOf = new java.util.HashMap<>();
    for (var e : strategies.entrySet()) {
      List<String> opts = e.getKey().equals("auto") ? List.of() : List.of("--label", "dso.update.strategy=" + e.getKey());
      fx.runTarget(e.getValue(), secret, opts, image, IDLE);
      res.trackVolumesOf(e.getValue());
      fx.ok("exec", e.getValue(), "sh", "-c", "echo written-before-" + e.getKey() + " >/data/kept.txt");
      volumeOf.put(e.getKey(), dataVolume(fx.inspect(e.getValue())));
      idsOf.computeIfAbsent(e.getValue(), n -> new ArrayList<>()).add(fx.id(e.getValue()));
    }
    Path config = fx.config("auto", 3, """
        - name: %s
          inject: env
          rotation: true
        """.formatted(secret));
    try (AgentProcess agent = fx.start(config, Map.of())) {
      // the first injection replaces each container once; then a change of the secret replaces it again
      awaitToken(strategies.values(), "v1");
      List<String> firstIds = new ArrayList<>();
      strategies.values().forEach(n -> {
        firstIds.add(fx.id(n));
        idsOf.get(n).add(fx.id(n));
      });
      fx.secret(secret, Map.of("TOKEN", "v2"));
      awaitToken(strategies.values(), "v2");

      for (var e : strategies.entrySet()) {
        String name = e.getValue();
        JsonNode c = fx.inspect(name);
        assertThat(firstIds).doesNotContain(c.path("Id").asText());
        assertThat(dataVolume(c)).as("%s mounts the volume of the first container", name).isEqualTo(volumeOf.get(e.getKey()));
        assertThat(fx.ok("exec", name, "cat", "/data/kept.txt")).isEqualTo("written-before-" + e.getKey());
        assertThat(fx.run("volume", "inspect", volumeOf.get(e.getKey())).ok()).isTrue();
        fx.assertSingleRunning(name);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fx.audit("secret_rotate", c.path("Id").asText()))
            .singleElement().satisfies(r -> {
              assertThat(r.path("status").asText()).isEqualTo("success");
              assertThat(r.path("strategy").asText()).isEqualTo(e.getKey().equals("auto") ? "restart" : e.getKey());
            }));
      }
      // auto: the shared volume overrides a rolling score (generated-looking names are not needed for that)
      List<JsonNode> autoDecisions = decisions(strategies.get("auto"));
      assertThat(autoDecisions).isNotEmpty().allSatisfy(d -> {
        assertThat(d.path("strategy").asText()).isEqualTo("restart");
        assertThat(d.path("requested").asText()).isEqualTo("auto");
        assertThat(d.path("reasons").asText()).contains("shared data /data (restart)");
      });
      // explicit rolling: allowed, warned about in the decision record and the log at the start of each rotation
      List<JsonNode> rollingDecisions = decisions(strategies.get("rolling"));
      assertThat(rollingDecisions).isNotEmpty().allSatisfy(d -> {
        assertThat(d.path("strategy").asText()).isEqualTo("rolling");
        assertThat(d.path("requested").asText()).isEqualTo("rolling");
        assertThat(d.path("warning").asText()).startsWith("rolling with shared data /data:");
        assertThat(d.has("score")).isFalse();
      });
      assertThat(Files.readString(agent.stderr)).contains(strategies.get("rolling") + ": rolling with shared data /data");
      assertThat(decisions(strategies.get("restart"))).isEmpty();
      agent.terminate();
    }
  }

  private void awaitToken(Iterable<String> names, String token) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (String n : names) {
        JsonNode c = fx.inspect(n);
        assertThat(RotationFixture.env(c)).as(n).containsEntry("TOKEN", token);
        assertThat(c.path("State").path("Running").asBoolean()).as(n + " running").isTrue();
        assertThat(fx.family(n)).as(n + " alone").containsExactly(n + " running");
      }
    });
  }

  /** strategy_decision records about the containers that carried {@code name} (ids change with each rotation). */
  private List<JsonNode> decisions(String name) throws Exception {
    List<String> ids = idsOf.get(name).stream().map(id -> id.substring(0, 12)).toList();
    return fx.audit("strategy_decision").stream().filter(d -> ids.contains(d.path("container_id").asText())).toList();
  }

  private static String dataVolume(JsonNode inspect) {
    for (JsonNode m : inspect.path("Mounts")) {
      if (m.path("Destination").asText().equals("/data")) {
        assertThat(m.path("Type").asText()).isEqualTo("volume");
        return m.path("Name").asText();
      }
    }
    throw new AssertionError("no volume at /data: " + inspect.path("Mounts"));
  }
}
