package io.dso.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.testing.DockerRig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reduced rotation soak in the test suite: ten services, about 36 rotations, three agent kills
 * (SIGTERM and SIGKILL) and one restart of a private Docker daemon; it ends with one running container
 * per service holding the newest value, every volume's data intact, an audit log whose rotation records
 * match the rotations Docker shows, and no value anywhere it must not be. The seed is printed;
 * {@code -Ddso.soak.seed=N} replays a run's choices. {@code bench/rotation-soak.sh} is the full size.
 */
@Tag("docker")
class RotationSoakIT {

  @Test
  void rotationsSurviveAgentKillsAndDockerRestartsAndEndConverged() throws Exception {
    DockerRig.dockerHost(); // the rig (and its packages) must be there; the soak adds a daemon of its own
    long seed = Long.getLong("dso.soak.seed", System.nanoTime());
    var settings = new RotationSoak.Settings(36, 3, 1, seed, Duration.ofSeconds(90), Duration.ofMinutes(6));
    Path work = Path.of("target", "soak").toAbsolutePath();
    SoakReport report = RotationSoak.run(settings, work.resolve("run-" + System.currentTimeMillis()));
    System.out.print(report.text());
    assertThat(report.passed()).as(report.text()).isTrue();
  }
}
