package io.dso.rotation;

import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.docker.DockerEngine;

/** Sends the configured signal to the container's main process; a failed kill fails the rotation. */
final class SignalStrategy implements RotationStrategy {
  private final DockerEngine docker;
  private final String signal;

  SignalStrategy(DockerEngine docker, String signal) {
    this.docker = docker;
    this.signal = signal;
  }

  @Override
  public String name() {
    return "signal";
  }

  @Override
  public boolean replacesContainer() {
    return false;
  }

  @Override
  public String rotate(ContainerDetails container, ContainerChange change, RotationJournal journal) {
    try {
      docker.kill(container.id(), signal);
      return container.id();
    } catch (RuntimeException e) {
      throw new RotationFailedException(container.name(), "signal " + signal, true, e.getMessage(), e);
    }
  }
}
