package io.dso.rotation;

import io.dso.docker.ContainerDetails;
import io.dso.docker.DockerEngine;
import io.dso.docker.DockerOperationException;
import io.dso.inject.Labels;
import java.time.Duration;

/**
 * What rolling and restart share: they replace the container by a clone named {@code X_dso_new}
 * and, when a step fails, put the old container back under its name and running.
 */
abstract class ReplacingStrategy implements RotationStrategy {
  final DockerEngine docker;
  final HealthGate gate;
  final Duration grace;

  ReplacingStrategy(DockerEngine docker, HealthGate gate, Duration grace) {
    this.docker = docker;
    this.gate = gate;
    this.grace = grace;
  }

  @Override
  public final boolean replacesContainer() {
    return true;
  }

  /** Removes a clone a previous, interrupted attempt may have left under the temporary name. */
  final void clearLeftover(String name) {
    docker.inspect(name + Labels.NEW_SUFFIX).ifPresent(left -> docker.remove(left.id(), true));
  }

  /**
   * Undoes a rotation that failed at {@code step} and returns the error to throw. The journal entry
   * is closed only when the old container is back: otherwise (Docker gone, the agent stopping
   * mid-rollback) it stays for the recovery at the next start or when Docker answers again. An
   * interrupted thread gets its flag back only after the rollback, whose Docker calls an interrupt
   * would break.
   */
  final RotationFailedException failed(
      ContainerDetails old, String newId, boolean oldRenamed, RotationJournal journal, RotationJournal.Entry entry,
      String step, Exception cause) {
    boolean interrupted = cause instanceof InterruptedException || Thread.interrupted();
    Exception why = cause instanceof HealthGate.Failed && stoppedFromOutside(old) ? new DockerOperationException(
        "health gate", old.name(), "the serving container stopped too while the new one was checked (Docker stopping or"
            + " restarting): not a verdict on the new version; " + cause.getMessage(), cause, true) : cause;
    boolean restored;
    try {
      restored = rollback(old, newId, oldRenamed);
      if (restored) {
        journal.finish(entry);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    String reason = interrupted ? "interrupted (agent stopping)" : why.getMessage();
    if (!restored) {
      reason += "; the rotation journal keeps the step, the agent finishes the rollback when Docker answers or at its next start";
    }
    return new RotationFailedException(old.name(), step, restored, reason, why);
  }

  /**
   * Whether what failed the gate also hit the old container: the daemon no longer answers, or the
   * old container, which a rolling rotation keeps running throughout, stopped as well.
   */
  private boolean stoppedFromOutside(ContainerDetails old) {
    try {
      if (!docker.ping()) {
        return true;
      }
      return name().equals("rolling") && old.running()
          && docker.inspect(old.id()).map(d -> !d.running()).orElse(false);
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** Removes the clone and gives the old container its name back, running; false if that failed too. */
  private boolean rollback(ContainerDetails old, String newId, boolean oldRenamed) {
    try {
      if (newId != null) {
        docker.remove(newId, true);
      }
      if (oldRenamed) {
        docker.rename(old.id(), old.name());
      }
      docker.start(old.id());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
