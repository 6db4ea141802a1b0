package io.dso.rotation;

import io.dso.docker.ContainerDetails;
import io.dso.docker.DockerEngine;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides whether a freshly started container is fit to serve: Docker HEALTHCHECK {@code healthy}
 * within the timeout; without a HEALTHCHECK, still running at two consecutive checks 1 s apart.
 * Exited, restarting or unhealthy fails at once.
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

  public HealthGate(DockerEngine docker, Duration timeout) {
    this(docker, timeout, Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  HealthGate(DockerEngine docker, Duration timeout, Duration poll, Duration stableGap) {
    this.docker = docker;
    this.timeout = timeout;
    this.poll = poll;
    this.stableGap = stableGap;
  }

  public void await(String id) throws Failed, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Long runningSince = null;
    while (true) {
      Optional<ContainerDetails> d = docker.inspect(id);
      if (d.isEmpty() || "removing".equals(d.get().status())) {
        // Removed under us (by an operator or another tool): not the new version's fault.
        throw new io.dso.DsoException("the new container " + id.substring(0, Math.min(12, id.length()))
            + " was removed during the health gate");
      }
      ContainerDetails c = d.get();
      if (!c.running() || "restarting".equals(c.status())) {
        throw new Failed("the new container is " + c.status() + " instead of running");
      }
      if (c.hasHealthcheck()) {
        if ("healthy".equals(c.health())) {
          return;
        }
        if ("unhealthy".equals(c.health())) {
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
      Thread.sleep(c.hasHealthcheck() ? poll : stableGap);
    }
  }
}
