package io.dso.cli.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeRunnerTest {
  @TempDir Path dir;

  @Test
  void withoutComposeOnThePathTheErrorSaysHowToInstallIt() {
    assertThatThrownBy(() -> ComposeRunner.detect(Map.of("PATH", dir.toString())))
        .hasMessage("Docker Compose not found: install the Compose plugin (apt-get install docker-compose-plugin,"
            + " see https://docs.docker.com/compose/install/) or docker-compose (apt-get install docker-compose)");
  }

  @Test
  void fallsBackToDockerComposeV1WhenDockerComposeDoesNotAnswer() throws Exception {
    Path docker = dir.resolve("docker");
    Files.writeString(docker, "#!/bin/sh\nexit 1\n");
    Path v1 = dir.resolve("docker-compose");
    Files.writeString(v1, "#!/bin/sh\nexit 0\n");
    for (Path p : List.of(docker, v1)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }
    assertThat(ComposeRunner.detect(Map.of("PATH", dir.toString())).base()).containsExactly(v1.toString());
    Files.writeString(docker, "#!/bin/sh\n[ \"$1 $2\" = 'compose version' ]\n");
    assertThat(ComposeRunner.detect(Map.of("PATH", dir.toString())).base()).containsExactly(docker.toString(), "compose");
  }

  @Test
  void theCommandLineIsProjectThenEveryFileInOrderThenTheUsersArguments() {
    assertThat(ComposeRunner.of(List.of("docker-compose")).command("shop", List.of(Path.of("/a.yml"), Path.of("/o.yml")), List.of("up", "-d")))
        .containsExactly("docker-compose", "-p", "shop", "-f", "/a.yml", "-f", "/o.yml", "up", "-d");
  }

  @Test
  void rolloutProgressCountsServicesAndTellsReadyFromStartingAndFailed() {
    List<RolloutWait.State> states = List.of(
        new RolloutWait.State("web", "running", "Up 2 seconds (health: starting)"),
        new RolloutWait.State("api", "running", "Up 3 seconds"),
        new RolloutWait.State("job", "exited", "Exited (0) 1 second ago"),
        new RolloutWait.State("bad", "exited", "Exited (3) 1 second ago"),
        new RolloutWait.State("sick", "running", "Up 9 seconds (unhealthy)"));
    assertThat(RolloutWait.progress(states))
        .isEqualTo("rollout: 2/5 services ready: api ready, bad exited, job ready, sick unhealthy, web starting");
    assertThat(states.stream().filter(RolloutWait.State::failed).map(RolloutWait.State::service)).containsExactly("bad", "sick");
  }
}
