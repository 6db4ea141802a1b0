package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dso.testing.DockerCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers of one name are destroyed and created again while the agent injects into them and the
 * secret changes: the agent never works on two containers of that name at once, so it ends with
 * exactly one running container under the name, on the newest value, without temporaries, without
 * a journal entry left.
 */
@Tag("docker")
class NameChurnIT {
  private static final int ROUNDS = 8;

  @TempDir Path dir;

  @Test
  void destroyAndCreateChurnOfOneNameConvergesOnOneContainerWithTheNewestValue() throws Exception {
    try (RotationFixture fx = new RotationFixture(dir)) {
      String name = fx.name("churn");
      // unique: agents of other test runs on the shared daemon must not take this target for theirs
      String secret = "churn-" + fx.suffix + "/token";
      fx.secret(secret, Map.of("TOKEN", "v0"));
      Path config = fx.config("rolling", 4, """
          - name: %s
            inject: env
            rotation: true
          """.formatted(secret));
      try (AgentProcess agent = fx.start(config, Map.of())) {
        for (int round = 1; round <= ROUNDS; round++) {
          fx.run("rm", "-f", name);
          // the name may be held by the agent's own rename for a moment: that round then has one container fewer
          DockerCli.Result r = fx.run("run", "-d", "--name", name, "--network", "none", "--init",
              "--label", "dso.reloader=true", "--label", "dso.secrets=" + secret, RotationFixture.HEALTHY);
          if (round % 3 == 0) {
            fx.secret(secret, Map.of("TOKEN", "v" + round));
          }
          System.out.printf("churn round %d: run %s%n", round, r.ok() ? "ok" : "refused (" + r.err() + ")");
          Thread.sleep(400);
        }
        fx.secret(secret, Map.of("TOKEN", "final"));
        if (fx.family(name).stream().noneMatch(l -> l.equals(name + " running"))) {
          fx.runTarget(name, secret, List.of(), RotationFixture.HEALTHY);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().untilAsserted(() -> {
          fx.assertSingleRunning(name);
          assertThat(RotationFixture.env(fx.inspect(name))).containsEntry("TOKEN", "final");
        });
        Path rotations = dir.resolve("state/rotations");
        try (var s = Files.list(rotations)) {
          assertThat(s.filter(p -> p.toString().endsWith(".json")).toList()).as("journal").isEmpty();
        }
        agent.terminate();
      } finally {
        fx.keepLogs("name-churn");
      }
    }
  }
}
