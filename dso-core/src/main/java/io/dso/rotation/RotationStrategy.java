package io.dso.rotation;

import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.docker.DockerEngine;
import java.time.Duration;

/**
 * How a container moves to new secret values. {@link #rotate} returns the id of the container that
 * serves afterwards, or throws {@link RotationFailedException} after restoring the old one.
 */
public interface RotationStrategy {
  String name();

  /** Whether this strategy can deliver values that need a new container (env vars, a new mount). */
  boolean replacesContainer();

  String rotate(ContainerDetails container, ContainerChange change, RotationJournal journal);

  /** Blue/green: the new container runs and passes the health gate before the old one stops. */
  static RotationStrategy rolling(DockerEngine docker, HealthGate gate, Duration grace) {
    return new RollingStrategy(docker, gate, grace);
  }

  /** Stop, recreate, start, health gate; the stopped old container comes back on failure. */
  static RotationStrategy restart(DockerEngine docker, HealthGate gate, Duration grace) {
    return new RestartStrategy(docker, gate, grace);
  }

  /** Sends a signal to the container's main process; the natural pairing with file-mode secrets. */
  static RotationStrategy signal(DockerEngine docker, String signal) {
    return new SignalStrategy(docker, signal);
  }

  /** Leaves the container alone: the cache and tmpfs files are updated, nothing else. */
  static RotationStrategy none() {
    return NoneStrategy.INSTANCE;
  }
}
