package io.dso.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Drives a soak: waits for the first injection, then changes secrets (a random secret every 0.6-1.8 s,
 * sometimes twice within 0.2 s) until the rotation target is reached, injecting the planned faults at
 * random changes, each a random 0-2.5 s after a change so that it usually lands inside rotations; after
 * every fault it waits (bounded) until all services converged again and records how long that took.
 */
final class SoakDriver {
  private final RotationSoak soak;
  private final SoakDaemon daemon;
  private final SoakAgent agent;
  private final SoakProbe probe;
  private final SoakLedger ledger;
  private final Random rng;
  private final SoakReport report;
  private SoakProbe.Snapshot last;

  SoakDriver(RotationSoak soak, SoakDaemon daemon, SoakAgent agent, SoakProbe probe, SoakLedger ledger, Random rng) {
    this.soak = soak;
    this.daemon = daemon;
    this.agent = agent;
    this.probe = probe;
    this.ledger = ledger;
    this.rng = rng;
    this.report = soak.report;
  }

  /** Runs the drive; false when it had to stop early (the report's diagnostics say why). */
  boolean drive() throws Exception {
    RotationSoak.Settings s = soak.settings;
    agent.start(Duration.ofSeconds(120));
    Duration first = awaitConverged(s.convergeWithin());
    report.figure("first injection of all services", first == null ? "NOT converged" : first.toMillis() + " ms");
    if (first == null) {
      report.diagnostics.add("first injection did not converge within " + s.convergeWithin() + ":\n" + last.describe());
      return false;
    }
    for (SoakProbe.Service svc : soak.services) {
      soak.baselines.put(svc.name(), probe.docker().ok("inspect", "--format", "{{.Id}}", svc.name()));
    }
    List<String> kinds = soak.faultPlan();
    int planned = (int) Math.ceil(s.rotations() / 2.0);
    TreeMap<Integer, String> at = new TreeMap<>();
    while (at.size() < kinds.size()) {
      int c = Math.max(1, (int) (planned * 0.1) + rng.nextInt(Math.max(1, (int) (planned * 0.8))));
      if (!at.containsKey(c)) {
        at.put(c, kinds.get(at.size()));
      }
    }
    report.figure("fault plan (change # -> fault)", at);
    long deadline = System.nanoTime() + s.driveWithin().toNanos();
    int done = 0;
    while ((done < s.rotations() || !at.isEmpty()) && System.nanoTime() < deadline) {
      String secret = "soak/s" + rng.nextInt(RotationSoak.SECRETS);
      soak.change(secret);
      if (rng.nextInt(100) < 15) {
        Thread.sleep(rng.nextInt(200));
        soak.change(secret);
      }
      Integer due = at.isEmpty() ? null : at.firstKey();
      if (due != null && soak.changes() >= due) {
        Thread.sleep(rng.nextInt(2500));
        fault(at.pollFirstEntry().getValue(), done);
      } else {
        Thread.sleep(600 + rng.nextInt(1200));
      }
      done = ledger.promotions(soak.baselines);
    }
    report.figure("secret changes written", soak.changes());
    report.figure("rotations when the drive ended", done + " of " + s.rotations() + " (bound " + s.driveWithin() + ")");
    if (done < s.rotations()) {
      report.diagnostics.add("the drive stopped at its time bound " + s.driveWithin() + " with " + done + " of " + s.rotations()
          + " rotations and " + at.size() + " faults left");
    }
    Duration fin = awaitConverged(s.convergeWithin());
    report.figure("final convergence after the last change", fin == null ? "NOT within " + s.convergeWithin() : fin.toMillis() + " ms");
    if (fin == null) {
      report.diagnostics.add("final convergence failed; last look:\n" + last.describe());
    }
    return done >= s.rotations();
  }

  private void fault(String kind, int rotationsBefore) throws Exception {
    System.err.printf("[soak] fault %s at change %d (%d rotations so far)%n", kind, soak.changes(), rotationsBefore);
    Duration took;
    String note;
    if (kind.equals("dockerd-restart")) {
      took = daemon.restart();
      note = "(daemon outage)";
    } else {
      SoakAgent.Stop stop = kind.equals("SIGTERM") ? agent.terminate(Duration.ofSeconds(60)) : agent.kill();
      took = stop.took();
      note = kind.equals("SIGTERM") ? (stop.forced() ? "(did NOT exit within 60 s: killed)" : "(exit " + stop.exit() + ")") : "";
      if (kind.equals("SIGTERM") && stop.forced()) {
        report.diagnostics.add("SIGTERM at change " + soak.changes() + ": the agent did not exit within 60 s"
            + SoakAgent.tail(agent.stderr, 40));
      }
      Thread.sleep(rng.nextInt(1500));
      agent.start(Duration.ofSeconds(120));
    }
    Duration converged = awaitConverged(soak.settings.convergeWithin());
    if (converged == null) {
      report.diagnostics.add("after " + kind + " at change " + soak.changes() + ": not converged within "
          + soak.settings.convergeWithin() + "; last look:\n" + last.describe());
    }
    report.faults.add(new SoakReport.Fault(kind, soak.changes(), rotationsBefore, took, note, converged));
  }

  /** Polls (1 s) until every service converged; how long it took, or null after {@code within}. */
  Duration awaitConverged(Duration within) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + within.toNanos();
    do {
      last = probe.look(soak.newest());
      if (last.converged()) {
        return Duration.ofNanos(System.nanoTime() - t0);
      }
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    return null;
  }

  SoakProbe.Snapshot last() {
    return last;
  }
}
