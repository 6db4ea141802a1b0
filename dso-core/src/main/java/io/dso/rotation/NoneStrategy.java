package io.dso.rotation;

import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;

/** Does nothing to the container: the cache (and tmpfs files, already rewritten) are all that change. */
final class NoneStrategy implements RotationStrategy {
  static final NoneStrategy INSTANCE = new NoneStrategy();

  private NoneStrategy() {}

  @Override
  public String name() {
    return "none";
  }

  @Override
  public boolean replacesContainer() {
    return false;
  }

  @Override
  public String rotate(ContainerDetails container, ContainerChange change, RotationJournal journal) {
    return container.id();
  }
}
