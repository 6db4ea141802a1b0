package io.dso.inject;

import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerSummary;
import io.dso.docker.DockerEngine;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies the file half of an {@link InjectionPlan} and ends file generations: a generation lives
 * while a container mounts it (or while it is being prepared for one), and is wiped after that.
 * Which generations are mounted is read from Docker, so this holds no state of its own.
 */
final class FileGenerations {
  private final FileInjector files;
  private final DockerEngine docker;
  private final Injector injector;
  private final Clock clock;

  FileGenerations(FileInjector files, DockerEngine docker, Injector injector, Clock clock) {
    this.files = files;
    this.docker = docker;
    this.injector = injector;
    this.clock = clock;
  }

  boolean writeInPlace(InjectionPlan plan) {
    ContainerDetails c = plan.container();
    for (InjectionPlan.FileWrite w : plan.files()) {
      if (!w.stale()) {
        continue;
      }
      try {
        files.write(c.name(), w.servingGeneration(), w.spec(), w.payload(), w.version(), clock.instant());
      } catch (InjectionException e) {
        injector.failed(c.id(), w.spec(), e.getMessage());
        return false;
      }
      injector.injected(c.id(), w.spec(), "in place");
    }
    return true;
  }

  boolean prepare(InjectionPlan plan) {
    if (plan.files().isEmpty()) {
      return true;
    }
    ContainerDetails c = plan.container();
    files.hold(c.name(), plan.newGeneration());
    for (InjectionPlan.FileWrite w : plan.files()) {
      try {
        files.write(c.name(), plan.newGeneration(), w.spec(), w.payload(), w.version(), clock.instant());
      } catch (InjectionException e) {
        files.discard(c.name(), plan.newGeneration());
        injector.failed(c.id(), w.spec(), e.getMessage());
        return false;
      }
    }
    return true;
  }

  void settle(InjectionPlan plan) {
    if (plan.files().isEmpty() && !files.containers().contains(plan.container().name())) {
      return;
    }
    if (!plan.files().isEmpty()) {
      files.release(plan.container().name(), plan.newGeneration());
    }
    retire(plan.container().name());
  }

  /** Wipes the generations of {@code name} that neither it nor its rotation's temporary containers mount. */
  void retire(String name) {
    if (files.containers().contains(name)) {
      retire(name, docker.list(true));
    }
  }

  /**
   * Containers are picked by name from one listing and then inspected by id: a rotation may rename
   * them meanwhile (X to X_dso_old and back), and inspecting by name one after the other could miss
   * a container that moved to a name already looked at, and wipe the files it reads.
   */
  private void retire(String name, List<ContainerSummary> all) {
    Set<String> names = Set.of(name, name + Labels.NEW_SUFFIX, name + Labels.OLD_SUFFIX);
    Set<String> mounted = new HashSet<>();
    for (ContainerSummary c : all) {
      if (names.contains(c.name())) {
        docker.inspect(c.id()).ifPresent(d -> d.mounts()
            .forEach(m -> files.generationBelow(name, m.source()).ifPresent(mounted::add)));
      }
    }
    files.retain(name, mounted);
  }

  void sweep(List<ContainerSummary> all) {
    for (String dir : files.containers()) {
      retire(dir, all);
    }
  }
}
