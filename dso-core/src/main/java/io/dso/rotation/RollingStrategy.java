package io.dso.rotation;

import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.docker.DockerEngine;
import io.dso.inject.Labels;
import java.time.Duration;
import java.time.Instant;

/**
 * create {@code X_dso_new} -> start -> health gate -> rename X to {@code X_dso_old} -> rename new
 * to X -> stop (grace) -> remove old. Any failure removes the new container and gives the old one
 * its name back; it never stopped serving.
 */
final class RollingStrategy extends ReplacingStrategy {
  RollingStrategy(DockerEngine docker, HealthGate gate, Duration grace) {
    super(docker, gate, grace);
  }

  @Override
  public String name() {
    return "rolling";
  }

  @Override
  public String rotate(ContainerDetails old, ContainerChange change, RotationJournal journal) {
    String name = old.name();
    RotationJournal.Entry j = journal.begin(name, name(), old.id(), Instant.now().toString());
    String step = "create";
    String newId = null;
    boolean oldRenamed = false;
    try {
      clearLeftover(name);
      newId = docker.createClone(old.id(), name + Labels.NEW_SUFFIX, change);
      j = journal.step(j, "created", newId);
      step = "start";
      docker.start(newId);
      j = journal.step(j, "started", null);
      step = "health";
      gate.await(newId);
      j = journal.step(j, "healthy", null);
      step = "rename-old";
      docker.rename(old.id(), name + Labels.OLD_SUFFIX);
      oldRenamed = true;
      j = journal.step(j, "renamed_old", null);
      step = "rename-new";
      docker.rename(newId, name);
      j = journal.step(j, "renamed_new", null);
    } catch (HealthGate.Failed | RuntimeException | InterruptedException e) {
      throw failed(old, newId, oldRenamed, journal, j, step, e);
    }
    // The new container serves under the name: retiring the old one can no longer fail the rotation.
    try {
      docker.stop(old.id(), grace);
      j = journal.step(j, "stopped_old", null);
      docker.remove(old.id(), true);
      j = journal.step(j, "removed_old", null);
    } finally {
      journal.finish(j);
    }
    return newId;
  }
}
