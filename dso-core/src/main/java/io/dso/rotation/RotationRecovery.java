package io.dso.rotation;

import io.dso.docker.ContainerDetails;
import io.dso.docker.ContainerSummary;
import io.dso.docker.DockerEngine;
import io.dso.inject.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes or undoes rotations a crash interrupted, so that each target ends with exactly one
 * running container under its name and no {@code _dso_new}/{@code _dso_old} leftovers. The journal
 * says how far a rotation got; Docker's names cover what the journal could not record.
 */
public final class RotationRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(RotationRecovery.class);

  private final DockerEngine docker;
  private final RotationJournal journal;
  private final java.util.function.Predicate<ContainerSummary> ours;
  private final java.util.function.BiConsumer<RotationJournal.Entry, String> completed;

  /** Recovery of every {@code _dso_new}/{@code _dso_old} leftover on the daemon (tests, single-agent hosts). */
  public RotationRecovery(DockerEngine docker, RotationJournal journal) {
    this(docker, journal, c -> true);
  }

  /**
   * @param ours whether a leftover, seen under its base name with its own labels, is one of this
   *     agent's targets: another agent's rotation in flight, or a user's container that merely ends
   *     in {@code _dso_old}, is never touched
   */
  public RotationRecovery(DockerEngine docker, RotationJournal journal, java.util.function.Predicate<ContainerSummary> ours) {
    this(docker, journal, ours, (entry, newId) -> { });
  }

  /**
   * @param completed told of every interrupted rotation that recovery completed (the entry and the id of
   *     the container now serving), so that it is audited and counted like a rotation that finished
   */
  public RotationRecovery(
      DockerEngine docker, RotationJournal journal, java.util.function.Predicate<ContainerSummary> ours,
      java.util.function.BiConsumer<RotationJournal.Entry, String> completed) {
    this.docker = docker;
    this.journal = journal;
    this.ours = ours;
    this.completed = completed;
  }

  /** Recovers every container; returns a line per action taken, for logs and tests. */
  public List<String> recover() {
    return recover(name -> true);
  }

  /**
   * Recovers only containers (by base name) that {@code mayTouch} allows: the caller holds those, so
   * no rotation in flight has its {@code _dso_new} removed under it.
   */
  public List<String> recover(java.util.function.Predicate<String> mayTouch) {
    List<String> done = new ArrayList<>();
    for (RotationJournal.Entry e : journal.pending()) {
      if (!mayTouch.test(e.container())) {
        continue;
      }
      done.add(e.container() + ": " + fromJournal(e));
      journal.finish(e);
    }
    done.addAll(fromNames(docker.list(true), mayTouch));
    done.forEach(d -> LOG.info("recovery: {}", d));
    return done;
  }

  /** Rolls forward once the new container passed the gate and holds (or is about to hold) the name; else back. */
  private String fromJournal(RotationJournal.Entry e) {
    String name = e.container();
    Optional<String> newId = Optional.ofNullable(e.newId())
        .or(() -> docker.inspect(name + Labels.NEW_SUFFIX).map(ContainerDetails::id));
    boolean forward = e.strategy().equals("rolling")
        ? Set.of("renamed_old", "renamed_new", "stopped_old", "removed_old").contains(e.step())
        : Set.of("healthy", "removed_old").contains(e.step());
    boolean oldSurvives = e.oldId() != null && docker.inspect(e.oldId()).isPresent();
    boolean newSurvives = newId.isPresent() && docker.inspect(newId.get()).isPresent();
    // Never remove the only version left: if one half is gone, the other one serves.
    if (!oldSurvives && newSurvives) {
      forward = true;
    } else if (oldSurvives && !newSurvives) {
      forward = false;
    }
    if (forward) {
      newId.ifPresent(id -> {
        docker.rename(id, name);
        startIfStopped(id);
      });
      if (e.oldId() != null) {
        docker.remove(e.oldId(), true);
      }
      newId.ifPresent(id -> completed.accept(e, id));
      return "completed " + e.strategy() + " rotation interrupted after " + e.step();
    }
    newId.ifPresent(id -> docker.remove(id, true));
    if (e.oldId() != null && docker.inspect(e.oldId()).isPresent()) {
      docker.rename(e.oldId(), name);
      startIfStopped(e.oldId());
    }
    return "rolled back " + e.strategy() + " rotation interrupted after " + e.step();
  }

  private void startIfStopped(String id) {
    docker.inspect(id).filter(d -> !d.running()).ifPresent(d -> docker.start(id));
  }

  /** Leftovers without a journal: a clone that never got the name goes; an orphaned old one gets it back. */
  List<String> fromNames(List<ContainerSummary> all) {
    return fromNames(all, name -> true);
  }

  private List<String> fromNames(List<ContainerSummary> all, java.util.function.Predicate<String> mayTouch) {
    Map<String, ContainerSummary> byName = new HashMap<>();
    all.forEach(c -> byName.put(c.name(), c));
    List<String> done = new ArrayList<>();
    Set<String> handled = new HashSet<>();
    for (ContainerSummary c : all) {
      String n = c.name();
      boolean isNew = n.endsWith(Labels.NEW_SUFFIX);
      boolean isOld = n.endsWith(Labels.OLD_SUFFIX);
      if ((!isNew && !isOld) || !handled.add(c.id())) {
        continue;
      }
      String base = n.substring(0, n.length() - Labels.NEW_SUFFIX.length());
      if (!mayTouch.test(base) || !ours.test(new ContainerSummary(c.id(), base, c.image(), c.labels(), "running"))) {
        continue;
      }
      ContainerSummary current = byName.get(base);
      if (current != null) {
        docker.remove(c.id(), true);
        if (!"running".equals(current.state())) {
          docker.start(current.id());
        }
        done.add("removed leftover " + n);
        continue;
      }
      ContainerSummary other = byName.get(base + (isNew ? Labels.OLD_SUFFIX : Labels.NEW_SUFFIX));
      // Prefer the previous version when both halves survive without a journal: it was healthy.
      ContainerSummary keep = isOld || other == null ? c : other;
      ContainerSummary drop = keep == c ? other : c;
      if (drop != null) {
        handled.add(drop.id());
        docker.remove(drop.id(), true);
      }
      handled.add(keep.id());
      docker.rename(keep.id(), base);
      docker.start(keep.id());
      byName.put(base, keep);
      done.add("restored " + keep.name() + " as " + base);
    }
    return done;
  }
}
