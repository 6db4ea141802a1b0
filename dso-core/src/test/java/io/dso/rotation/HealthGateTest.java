package io.dso.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerEvent;
import io.dso.docker.ContainerSummary;
import io.dso.docker.DockerEngine;
import io.dso.docker.DockerOperationException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The gate's verdicts against a scripted engine: a Docker outage is never a verdict on the new version. */
class HealthGateTest {
  /** Answers inspect with a fixed state; ping as told. */
  private static final class Scripted implements DockerEngine {
    volatile String status = "running";
    volatile String health = "starting";
    volatile boolean answers = true;
    volatile boolean inspectFails;

    @Override
    public boolean ping() {
      return answers;
    }

    @Override
    public String host() {
      return "unix:///scripted.sock";
    }

    @Override
    public List<ContainerSummary> list(boolean all) {
      return List.of();
    }

    @Override
    public Optional<ContainerDetails> inspect(String idOrName) {
      if (inspectFails) {
        throw new DockerOperationException("inspect", idOrName, "cannot talk to the Docker Engine", null, true);
      }
      return Optional.of(new ContainerDetails("0123456789abcdef", "svc_dso_new", "img", Map.of(), List.of(), status,
          status.equals("running"), health, true, List.of(), "no", true, "none", Instant.EPOCH, false));
    }

    @Override
    public String createClone(String source, String newName, ContainerChange change) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void start(String id) { }

    @Override
    public void stop(String id, Duration grace) { }

    @Override
    public void remove(String id, boolean force) { }

    @Override
    public void rename(String id, String newName) { }

    @Override
    public void kill(String id, String signal) { }

    @Override
    public AutoCloseable events(Consumer<ContainerEvent> onEvent, Consumer<Boolean> onConnection) {
      return () -> { };
    }

    @Override
    public void close() { }
  }

  private final Scripted docker = new Scripted();
  private final StopSignal stop = new StopSignal();
  private final HealthGate gate = new HealthGate(docker, Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofMillis(10), stop);

  @Test
  void anExitedContainerIsAVerdictWhileTheDaemonAnswers() {
    docker.status = "exited";

    assertThat(catchThrowable(() -> gate.await("0123456789abcdef"))).isInstanceOf(HealthGate.Failed.class);
  }

  @Test
  void anExitedContainerOfADaemonThatStoppedAnsweringIsAnOutageNotAVerdict() {
    docker.status = "exited";
    docker.answers = false;

    Throwable t = catchThrowable(() -> gate.await("0123456789abcdef"));

    assertThat(t).isInstanceOf(DockerOperationException.class);
    assertThat(DockerOperationException.unreachable(t)).isTrue();
  }

  @Test
  void anInspectThatCannotReachTheDaemonIsAnOutage() {
    docker.inspectFails = true;

    Throwable t = catchThrowable(() -> gate.await("0123456789abcdef"));

    assertThat(DockerOperationException.unreachable(t)).isTrue();
    assertThat(t).isNotInstanceOf(HealthGate.Failed.class);
  }

  @Test
  void theStopSignalEndsAWaitingGateAtOnce() {
    Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      stop.fire();
    });

    assertThat(catchThrowable(() -> gate.await("0123456789abcdef"))).isInstanceOf(StopSignal.Aborted.class);
  }

  @Test
  void aHealthyContainerPasses() throws Exception {
    docker.health = "healthy";

    gate.await("0123456789abcdef");
  }
}
