package io.dso.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak's figures and final checks. {@link #text()} is what the benchmark prints and what a failing
 * test shows: every check with its verdict, then the diagnostics gathered for the failed ones.
 */
final class SoakReport {
  /** A fault the driver injected and how the agent came back from it. */
  record Fault(String kind, int atChange, int rotationsBefore, Duration stopTook, String stopNote, Duration converged) {}

  /** One final check: its name, whether it held, and what was seen. */
  record Check(String name, boolean passed, String detail) {}

  final long seed;
  final String runId;
  final Map<String, String> figures = new LinkedHashMap<>();
  final List<Fault> faults = new ArrayList<>();
  final List<Check> checks = new ArrayList<>();
  final List<String> diagnostics = new ArrayList<>();

  SoakReport(long seed, String runId) {
    this.seed = seed;
    this.runId = runId;
  }

  void figure(String name, Object value) {
    figures.put(name, String.valueOf(value));
  }

  void check(String name, boolean passed, String detail) {
    checks.add(new Check(name, passed, detail));
  }

  boolean passed() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
  }

  List<String> failedChecks() {
    return checks.stream().filter(c -> !c.passed()).map(Check::name).toList();
  }

  /** Convergence times of the faults that converged, in ms, sorted. */
  List<Long> convergenceMillis() {
    return faults.stream().filter(f -> f.converged() != null).map(f -> f.converged().toMillis()).sorted().toList();
  }

  static String distribution(List<Long> sortedMillis) {
    if (sortedMillis.isEmpty()) {
      return "n=0";
    }
    int n = sortedMillis.size();
    long median = sortedMillis.get((n - 1) / 2);
    long p95 = sortedMillis.get((int) Math.ceil(0.95 * n) - 1);
    return "n=%d median=%d ms p95=%d ms max=%d ms".formatted(n, median, p95, sortedMillis.get(n - 1));
  }

  String text() {
    StringBuilder b = new StringBuilder();
    b.append("=== rotation soak ").append(runId).append(" (seed ").append(seed).append(") ===\n");
    figures.forEach((k, v) -> b.append("%-44s %s%n".formatted(k, v)));
    b.append("faults (kind, at change #, rotations before, stop, time to converge):\n");
    for (Fault f : faults) {
      b.append("  %-16s change %-4d rotations %-4d stop %-22s converged %s%n".formatted(f.kind(), f.atChange(), f.rotationsBefore(),
          f.stopTook() == null ? "-" : f.stopTook().toMillis() + " ms" + (f.stopNote().isEmpty() ? "" : " " + f.stopNote()),
          f.converged() == null ? "NOT within the bound" : f.converged().toMillis() + " ms"));
    }
    b.append("time to converge after a fault: ").append(distribution(convergenceMillis())).append('\n');
    b.append("checks:\n");
    for (Check c : checks) {
      b.append("  [").append(c.passed() ? "PASS" : "FAIL").append("] ").append(c.name()).append(": ").append(c.detail()).append('\n');
    }
    b.append(passed() ? "RESULT: PASS\n" : "RESULT: FAIL " + failedChecks() + "\n");
    if (!diagnostics.isEmpty()) {
      b.append("--- diagnostics ---\n");
      diagnostics.forEach(d -> b.append(d).append('\n'));
    }
    return b.toString();
  }
}
