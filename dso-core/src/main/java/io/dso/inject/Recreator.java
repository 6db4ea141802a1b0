package io.dso.inject;

import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerSummary;
import io.dso.docker.DockerEngine;
import io.dso.docker.DockerOperationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a container by a clone with new env, labels and mounts, keeping its name. The steps
 * (create {@code X_dso_new}, stop X, rename X to {@code X_dso_old}, rename new to X, start, remove
 * old) leave names in Docker from which {@link #recover} can always finish the work after a crash.
 */
public final class Recreator {
  private static final Logger LOG = LoggerFactory.getLogger(Recreator.class);

  private final DockerEngine docker;
  private final Duration grace;

  public Recreator(DockerEngine docker, Duration grace) {
    this.docker = docker;
    this.grace = grace;
  }

  /** Returns the id of the running replacement; on failure the old container is back and running. */
  public String replace(ContainerDetails old, ContainerChange change) {
    String name = old.name();
    String newName = name + Labels.NEW_SUFFIX;
    String oldName = name + Labels.OLD_SUFFIX;
    docker.inspect(newName).ifPresent(leftover -> docker.remove(leftover.id(), true));
    String newId = docker.createClone(old.id(), newName, change);
    boolean oldRenamed = false;
    try {
      docker.stop(old.id(), grace);
      if (docker.inspect(old.id()).isPresent()) {
        docker.rename(old.id(), oldName);
        oldRenamed = true;
      }
      docker.rename(newId, name);
      docker.start(newId);
    } catch (DockerOperationException e) {
      LOG.warn("replacing container {} failed ({}); restoring the previous container", name, e.getMessage());
      docker.remove(newId, true);
      if (oldRenamed) {
        docker.rename(old.id(), name);
      }
      if (docker.inspect(old.id()).isPresent()) {
        docker.start(old.id());
      }
      throw e;
    }
    if (oldRenamed) {
      docker.remove(old.id(), true);
    }
    return newId;
  }

  /**
   * Finishes replacements a crash interrupted, from Docker's view alone: afterwards each name has
   * exactly one container and no {@code _dso_new}/{@code _dso_old} is left. Returns what it did.
   */
  public List<String> recover(List<ContainerSummary> all) {
    Map<String, ContainerSummary> byName =
        all.stream().collect(Collectors.toMap(ContainerSummary::name, Function.identity(), (a, b) -> a));
    List<String> done = new ArrayList<>();
    java.util.Set<String> handled = new java.util.HashSet<>();
    for (ContainerSummary c : all) {
      String n = c.name();
      if (!handled.add(c.id())) {
        continue;
      }
      boolean isNew = n.endsWith(Labels.NEW_SUFFIX);
      boolean isOld = n.endsWith(Labels.OLD_SUFFIX);
      if (!isNew && !isOld) {
        continue;
      }
      String base = n.substring(0, n.length() - (isNew ? Labels.NEW_SUFFIX : Labels.OLD_SUFFIX).length());
      ContainerSummary current = byName.get(base);
      if (isNew) {
        if (current != null) {
          // Crashed before the swap: the original still holds the name; drop the clone.
          docker.remove(c.id(), true);
          ensureRunning(current);
          done.add("removed unfinished " + n);
        } else {
          docker.rename(c.id(), base);
          docker.start(c.id());
          byName.put(base, c);
          done.add("completed " + n + " -> " + base);
        }
      } else {
        ContainerSummary pendingNew = byName.get(base + Labels.NEW_SUFFIX);
        if (current == null && pendingNew == null) {
          // Only the old one is left: give it its name back.
          docker.rename(c.id(), base);
          docker.start(c.id());
          byName.put(base, c);
          done.add("restored " + n + " -> " + base);
        } else {
          if (current == null) {
            handled.add(pendingNew.id());
            docker.rename(pendingNew.id(), base);
            docker.start(pendingNew.id());
            byName.put(base, pendingNew);
            byName.remove(base + Labels.NEW_SUFFIX);
          }
          docker.remove(c.id(), true);
          done.add("removed replaced " + n);
        }
      }
    }
    for (ContainerSummary c : byName.values()) {
      if (!Labels.temporaryName(c.name()) && c.labels().containsKey(Labels.MANAGED) && "created".equals(c.state())) {
        // renamed into place but never started
        docker.start(c.id());
        done.add("started " + c.name());
      }
    }
    done.forEach(d -> LOG.info("recovery: {}", d));
    return done;
  }

  private void ensureRunning(ContainerSummary c) {
    if (!"running".equals(c.state())) {
      docker.start(c.id());
    }
  }
}
