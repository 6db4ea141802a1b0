package io.dso.cli.compose;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * After {@code up -d}: waits until every container of the project runs (and is healthy when it has a
 * health check), showing one progress line that rewrites itself on a terminal, plain lines on change
 * otherwise. Reads container states with the {@code docker} CLI, which Compose needs anyway.
 */
final class RolloutWait {
  private static final Duration POLL = Duration.ofMillis(500);

  private final Map<String, String> env;
  private final PrintWriter err;
  private final boolean tty;

  RolloutWait(Map<String, String> env, PrintWriter err, boolean tty) {
    this.env = env;
    this.err = err;
    this.tty = tty;
  }

  /** A container's service and Docker's state/status text, e.g. {@code running}, {@code Up 3s (healthy)}. */
  record State(String service, String state, String status) {
    boolean ready() {
      return (state.equals("running") && !status.contains("health: starting") && !status.contains("(unhealthy)"))
          || (state.equals("exited") && status.startsWith("Exited (0)"));
    }

    boolean failed() {
      return status.contains("(unhealthy)") || state.equals("dead")
          || (state.equals("exited") && !status.startsWith("Exited (0)"));
    }

    String word() {
      return failed() ? (status.contains("unhealthy") ? "unhealthy" : state) : ready() ? "ready" : "starting";
    }
  }

  /**
   * Waits up to {@code timeout}; true when all are ready. A failed service or the timeout gives one
   * line naming the services and how to look at them.
   */
  boolean await(String project, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (true) {
      List<State> states = states(project);
      if (states == null) {
        err.println("dso: cannot read container states (is the docker CLI installed?); not waiting for the rollout");
        err.flush();
        return true;
      }
      String line = progress(states);
      if (tty) {
        err.print("\r\033[2K" + line);
      } else if (!line.equals(last)) {
        err.println(line);
      }
      err.flush();
      last = line;
      List<String> failed = states.stream().filter(State::failed).map(s -> s.service() + " (" + s.word() + ")").toList();
      boolean done = !states.isEmpty() && states.stream().allMatch(State::ready);
      boolean timedOut = System.nanoTime() > deadline;
      if (done || !failed.isEmpty() || timedOut) {
        if (tty) {
          err.println();
        }
        if (!failed.isEmpty()) {
          err.println("dso: error: " + String.join(", ", failed) + " did not come up; see 'dso compose logs'");
        } else if (!done) {
          err.println("dso: error: the rollout of '" + project + "' did not finish within " + timeout.toSeconds()
              + "s; see 'dso compose ps' and 'dso compose logs', or raise --wait-timeout");
        }
        err.flush();
        return done;
      }
      Thread.sleep(POLL);
    }
  }

  static String progress(List<State> states) {
    Map<String, String> byService = new TreeMap<>();
    states.forEach(s -> byService.merge(s.service(), s.word(), (a, b) -> a.equals("ready") ? b : a));
    long ready = byService.values().stream().filter("ready"::equals).count();
    List<String> parts = new ArrayList<>();
    byService.forEach((service, word) -> parts.add(service + " " + word));
    return "rollout: " + ready + "/" + byService.size() + " services ready: " + String.join(", ", parts);
  }

  private List<State> states(String project) throws InterruptedException {
    List<String> cmd = List.of("docker", "ps", "-a", "--filter", "label=com.docker.compose.project=" + project,
        "--format", "{{.Label \"com.docker.compose.service\"}}\t{{.State}}\t{{.Status}}");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      byte[] out = p.getInputStream().readNBytes(1 << 20);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      if (p.exitValue() != 0) {
        return null;
      }
      List<State> parsed = new ArrayList<>();
      for (String row : new String(out, StandardCharsets.UTF_8).split("\n")) {
        String[] f = row.split("\t", 3);
        if (f.length == 3) {
          parsed.add(new State(f[0], f[1], f[2]));
        }
      }
      return parsed;
    } catch (IOException e) {
      return null;
    }
  }
}
