package io.dso.rotation;

import io.dso.docker.ContainerDetails;
import io.dso.docker.DockerEngine;
import io.dso.docker.DockerOperationException;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides whether a freshly started container is fit to serve: Docker HEALTHCHECK {@code healthy}
 * within the timeout; without a HEALTHCHECK, still running at two consecutive checks 1 s apart.
 * Exited, restarting or unhealthy fails at once, but only while the daemon answers: a Docker outage
 * is reported as an unreachable daemon, never as a verdict on the new version. When the agent's
 * stop deadline passes, the gate gives up at once ({@link StopSignal.Aborted}).
 */
public final class HealthGate {
  /** Why the gate failed, for the rollback record. */
  public static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    Failed(String reason) {
      super(reason);
    }
  }

  private final DockerEngine docker;
  private final Duration timeout;
  private final Duration poll;
  private final Duration stableGap;
  private final StopSignal stop;
  private static final int CONFIRM_PINGS = 6;
  private final Duration confirmGap;

  public HealthGate(DockerEngine docker, Duration timeout) {
    this(docker, timeout, new StopSignal());
  }

  public HealthGate(DockerEngine docker, Duration timeout, StopSignal stop) {
    this(docker, timeout, Duration.ofMillis(50), Duration.ofSeconds(1), stop);
  }

  HealthGate(DockerEngine docker, Duration timeout, Duration poll, Duration stableGap, StopSignal stop) {
    this.docker = docker;
    this.timeout = timeout;
    this.poll = poll;
    this.stableGap = stableGap;
    this.stop = stop;
    this.confirmGap = stableGap.multipliedBy(2).dividedBy(5); // 6 pings over 2 s with the production 1 s gap
  }

  public void await(String id) throws Failed, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Long runningSince = null;
    while (true) {
      if (stop.fired()) {
        throw new StopSignal.Aborted("the health gate of " + shortId(id));
      }
      Optional<ContainerDetails> d = docker.inspect(id);
      if (d.isEmpty() || "removing".equals(d.get().status())) {
        // Removed under us (by an operator or another tool): not the new version's fault.
        confirmDaemonAnswers(id);
        throw new io.dso.DsoException("the new container " + shortId(id) + " was removed during the health gate");
      }
      ContainerDetails c = d.get();
      if (!c.running() || "restarting".equals(c.status())) {
        confirmDaemonAnswers(id);
        throw new Failed("the new container is " + c.status() + " instead of running");
      }
      if (c.hasHealthcheck()) {
        if ("healthy".equals(c.health())) {
          return;
        }
        if ("unhealthy".equals(c.health())) {
          confirmDaemonAnswers(id);
          throw new Failed("the new container's HEALTHCHECK reports unhealthy");
        }
      } else {
        long now = System.nanoTime();
        if (runningSince == null) {
          runningSince = now;
        } else if (now - runningSince >= stableGap.toNanos()) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new Failed(c.hasHealthcheck()
            ? "not healthy within " + timeout.toSeconds() + " s (health: " + c.health() + "); raise agent.rotation.health_check_timeout if it needs longer"
            : "did not stay running for " + stableGap.toSeconds() + " s within " + timeout.toSeconds() + " s");
      }
      if (stop.sleep(c.hasHealthcheck() ? poll : stableGap)) {
        throw new StopSignal.Aborted("the health gate of " + shortId(id));
      }
    }
  }

  /**
   * A daemon that is going down stops its containers and then stops answering: what looks like a
   * dead container is only a verdict if the daemon still answers afterwards.
   */
  private void confirmDaemonAnswers(String id) throws InterruptedException {
    // dockerd stops its containers first and closes its API a moment later: watch it for 2 s
    for (int i = 0; i < CONFIRM_PINGS; i++) {
      if (!docker.ping()) {
        throw new DockerOperationException("health gate", shortId(id),
            "the Docker Engine at " + docker.host() + " stopped answering; the rotation is retried once it is back", null, true);
      }
      if (i < CONFIRM_PINGS - 1) {
        Thread.sleep(confirmGap.toMillis());
      }
    }
  }

  private static String shortId(String id) {
    return id.substring(0, Math.min(12, id.length()));
  }
}
