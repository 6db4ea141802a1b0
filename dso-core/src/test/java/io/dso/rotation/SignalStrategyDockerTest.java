package io.dso.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerChange;
import io.dso.docker.DockerJavaEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SignalStrategy} against the rig daemon: the signal reaches PID 1; a failed kill is an error. */
@Tag("docker")
class SignalStrategyDockerTest {
  @TempDir Path state;
  private RigCli cli;
  private DockerJavaEngine docker;

  @BeforeEach
  void setUp() {
    cli = new RigCli();
    docker = new DockerJavaEngine(cli.host);
  }

  @AfterEach
  void tearDown() {
    cli.close();
    docker.close();
  }

  private static final ContainerChange NO_CHANGE = new ContainerChange(Map.of(), Map.of(), java.util.Set.of(), List.of());

  @Test
  void signalReachesATrapInPid1() {
    String x = cli.name("sig");
    // no --init: sh is PID 1 and traps the signal itself
    cli.ok("run", "-d", "--name", x, "--network", "none", RigCli.BUSYBOX,
        "sh", "-c", "trap 'echo got-USR1 >> /tmp/sig' USR1; touch /tmp/ready; while true; do sleep 0.2; done");
    // a signal sent before the trap is installed is ignored by PID 1: wait for it
    await().atMost(Duration.ofSeconds(10)).until(() -> cli.run("exec", x, "test", "-e", "/tmp/ready").exit() == 0);
    ContainerDetails c = docker.inspect(x).orElseThrow();
    String id = RotationStrategy.signal(docker, "SIGUSR1").rotate(c, NO_CHANGE, new RotationJournal(state, null));
    assertThat(id).isEqualTo(c.id());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(cli.run("exec", x, "cat", "/tmp/sig").out()).isEqualTo("got-USR1"));
  }

  @Test
  void killOfAStoppedContainerFailsTheRotation() {
    String x = cli.name("sigstop");
    cli.ok("run", "-d", "--name", x, "--network", "none", "--init", RigCli.BUSYBOX, "sleep", "600");
    ContainerDetails c = docker.inspect(x).orElseThrow();
    cli.ok("stop", "-t", "1", x);
    assertThatThrownBy(() -> RotationStrategy.signal(docker, "SIGHUP").rotate(c, NO_CHANGE, new RotationJournal(state, null)))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("signal SIGHUP")
        .satisfies(e -> assertThat(((RotationFailedException) e).step()).isEqualTo("signal SIGHUP"));
  }

  @Test
  void killOfAVanishedContainerFailsTheRotation() {
    String x = cli.name("siggone");
    cli.ok("run", "-d", "--name", x, "--network", "none", "--init", RigCli.BUSYBOX, "sleep", "600");
    ContainerDetails c = docker.inspect(x).orElseThrow();
    cli.ok("rm", "-f", x);
    assertThatThrownBy(() -> RotationStrategy.signal(docker, "SIGHUP").rotate(c, NO_CHANGE, new RotationJournal(state, null)))
        .isInstanceOf(RotationFailedException.class);
  }
}
