package io.dso.rotation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dso.DsoException;
import io.dso.PrivatePaths;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file per rotation in progress ({@code <state>/rotations/<container>.json}), rewritten and
 * fsync'd after every step, so that after a crash the agent knows how far each rotation got. Holds
 * names, ids and steps only; never a secret value.
 */
public final class RotationJournal {
  private static final Logger LOG = LoggerFactory.getLogger(RotationJournal.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A rotation's progress: which container, strategy, the old and new container ids, the last step
   * done, and the names (never values) of the secrets it delivers, so that a rotation completed by
   * recovery after a crash is audited like one that finished by itself.
   */
  public record Entry(
      String container, String strategy, String oldId, String newId, String step, String startedAt, List<String> secrets) {
    public Entry {
      // Journals written before the secret names were recorded read as naming none.
      secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    public Entry(String container, String strategy, String oldId, String newId, String step, String startedAt) {
      this(container, strategy, oldId, newId, step, startedAt, List.of());
    }

    Entry at(String newStep, String id) {
      return new Entry(container, strategy, oldId, id == null ? newId : id, newStep, startedAt, secrets);
    }
  }

  /** Per container, the secrets the rotation about to begin delivers (set by the engine, read by begin). */
  private final Map<String, List<String>> delivering = new ConcurrentHashMap<>();

  private final Path dir;
  /** {@code strategy:step} after which the process halts: a seam for crash tests, empty in production. */
  private final String crashAfter;
  /** {@code strategy:step} after which the rotation waits until the agent's stop deadline: a seam for stop tests. */
  private final String pauseAfter;
  private volatile StopSignal stop = new StopSignal();

  public RotationJournal(Path stateDir, String crashAfter) {
    this(stateDir, crashAfter, null);
  }

  public RotationJournal(Path stateDir, String crashAfter, String pauseAfter) {
    this.dir = stateDir.resolve("rotations");
    this.crashAfter = crashAfter == null ? "" : crashAfter;
    this.pauseAfter = pauseAfter == null ? "" : pauseAfter;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DsoException("cannot create rotation journal directory " + dir + ": " + e.getMessage(), e);
    }
    if (!this.crashAfter.isEmpty()) {
      LOG.warn("fault injection active: the agent halts after rotation step {}", this.crashAfter);
    }
    if (!this.pauseAfter.isEmpty()) {
      LOG.warn("fault injection active: rotations pause after step {} until the agent's stop deadline", this.pauseAfter);
    }
  }

  /** The signal that ends a fault-injection pause (the engine's stop deadline). */
  void pauseUntil(StopSignal signal) {
    this.stop = signal;
  }

  /** Whether a rotation of {@code container} was left unfinished (an entry is on disk). */
  public boolean has(String container) {
    return Files.exists(file(container));
  }

  /** Names the secrets that the next rotation of {@code container} delivers; recorded in its entry. */
  void delivering(String container, List<String> secrets) {
    delivering.put(container, List.copyOf(secrets));
  }

  public Entry begin(String container, String strategy, String oldId, String startedAt) {
    List<String> secrets = delivering.remove(container);
    Entry e = new Entry(container, strategy, oldId, null, "begin", startedAt, secrets);
    write(e);
    return e;
  }

  /** Records that {@code step} is done (and the new container's id once known). */
  public Entry step(Entry e, String step, String newId) {
    Entry next = e.at(step, newId);
    write(next);
    if (crashAfter.equals(e.strategy() + ":" + step)) {
      LOG.warn("fault injection: halting after {}:{}", e.strategy(), step);
      Runtime.getRuntime().halt(137);
    }
    if (pauseAfter.equals(e.strategy() + ":" + step)) {
      pause(e.strategy() + ":" + step);
    }
    return next;
  }

  public void finish(Entry e) {
    try {
      Files.deleteIfExists(file(e.container()));
    } catch (IOException ex) {
      LOG.warn("cannot delete journal of {}: {}", e.container(), ex.getMessage());
    }
  }

  public List<Entry> pending() {
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          out.add(JSON.readValue(p.toFile(), Entry.class));
        } catch (IOException ex) {
          LOG.warn("ignoring unreadable rotation journal {}: {}", p, ex.getMessage());
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException ex) {
      LOG.warn("cannot list rotation journal {}: {}", dir, ex.getMessage());
    }
    return out;
  }

  private void pause(String at) {
    LOG.warn("fault injection: pausing after {} until the stop deadline (at most 10 min)", at);
    try {
      stop.sleep(java.time.Duration.ofMinutes(10));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    LOG.warn("fault injection: pause after {} over", at);
  }

  private Path file(String container) {
    return dir.resolve(container + ".json");
  }

  /**
   * Write-temp, fsync, atomic rename, fsync of the directory. The file is written through a
   * FileOutputStream, which an interrupt cannot close; the directory sync runs with the interrupt
   * flag set aside, so that a stopping agent still records where its rotations are.
   */
  private void write(Entry e) {
    Path target = file(e.container());
    Path tmp = dir.resolve("." + e.container() + ".tmp");
    boolean interrupted = Thread.interrupted();
    try {
      byte[] bytes = JSON.writeValueAsBytes(e);
      // A leftover of a crash (or anything planted there) is removed, never written through; the file is
      // created 0600 in one step, then written through a stream an interrupt cannot close.
      Files.deleteIfExists(tmp);
      PrivatePaths.createNew(tmp).close();
      try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
        out.write(bytes);
        out.getFD().sync();
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException ex) {
      throw new DsoException("cannot write rotation journal " + target + ": " + ex.getMessage()
          + "; check free space and permissions of --state-dir", ex);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
