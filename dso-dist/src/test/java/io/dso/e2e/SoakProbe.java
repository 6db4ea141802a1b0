package io.dso.e2e;

import io.dso.testing.DockerCli;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Looks at the soak's services through the {@code docker} CLI: which containers carry each service's
 * name (or its {@code _dso_new}/{@code _dso_old} variants) in which state, and which value the running
 * one holds (env: {@code docker exec env}; file: {@code cat} of the mounted file).
 */
final class SoakProbe {
  /** One service of the soak: its container name, image, secret and how the secret reaches it. */
  record Service(String name, String image, String secret, boolean fileMode, String strategy, boolean volume) {}

  static final String KEY = "SOAK_VALUE";
  static final String FILE_DIR = "/run/secrets/soak";

  /** What one look found: per service a verdict ({@code ok} or why not) and whether all are ok. */
  record Snapshot(Map<String, String> verdicts, List<String> containers) {
    boolean converged() {
      return verdicts.values().stream().allMatch("ok"::equals);
    }

    String describe() {
      StringBuilder b = new StringBuilder("services:\n");
      verdicts.forEach((k, v) -> b.append("  ").append(k).append(": ").append(v).append('\n'));
      b.append("containers (id name state):\n");
      containers.forEach(c -> b.append("  ").append(c).append('\n'));
      return b.toString();
    }
  }

  private final DockerCli docker;
  private final String prefix;
  private final List<Service> services;

  private final SoakLedger ledger;

  SoakProbe(DockerCli docker, String prefix, List<Service> services, SoakLedger ledger) {
    this.docker = docker;
    this.prefix = prefix;
    this.services = services;
    this.ledger = ledger;
  }

  DockerCli docker() {
    return docker;
  }

  /**
   * Every service must be exactly one running container under its own name (no temporaries) holding
   * {@code newest.get(secret)}; values are shown as {@code g<generation>}, never whole.
   */
  Snapshot look(Map<String, String> newest) {
    long atNano = System.currentTimeMillis() * 1_000_000L;
    DockerCli.Result ps = docker.run("ps", "-a", "--no-trunc", "--filter", "name=^/" + prefix, "--format", "{{.ID}} {{.Names}} {{.State}}");
    if (!ps.ok()) {
      Map<String, String> down = new LinkedHashMap<>();
      services.forEach(s -> down.put(s.name(), "docker ps failed: " + ps.err().trim()));
      return new Snapshot(down, List.of());
    }
    List<String> lines = new ArrayList<>();
    for (String l : ps.out().isBlank() ? new String[0] : ps.out().trim().split("\n")) {
      String[] f = l.split(" ");
      if (f.length >= 3 && services.stream().anyMatch(s -> s.name().equals(f[1]))) {
        ledger.observe(atNano, f[1], f[0]);
      }
      lines.add(f.length >= 3 ? f[0].substring(0, Math.min(12, f[0].length())) + " " + f[1] + " " + f[2] : l);
    }
    Map<String, String> verdicts = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<String, Future<String>> work = new LinkedHashMap<>();
      for (Service s : services) {
        List<String> family = new ArrayList<>();
        for (String l : lines) {
          String[] f = l.split(" ");
          if (f.length >= 3 && f[1].replaceFirst("_dso_(new|old)$", "").equals(s.name())) {
            family.add(f[1] + " " + f[2]);
          }
        }
        if (!family.equals(List.of(s.name() + " running"))) {
          verdicts.put(s.name(), "containers " + family);
          continue;
        }
        work.put(s.name(), pool.submit(() -> value(s, newest.get(s.secret()))));
      }
      for (Service s : services) {
        Future<String> f = work.get(s.name());
        if (f != null) {
          try {
            verdicts.put(s.name(), f.get());
          } catch (java.util.concurrent.ExecutionException e) {
            verdicts.put(s.name(), "cannot read the value: " + e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            verdicts.put(s.name(), "interrupted");
          }
        }
      }
    }
    Map<String, String> ordered = new LinkedHashMap<>();
    services.forEach(s -> ordered.put(s.name(), verdicts.get(s.name())));
    return new Snapshot(ordered, lines);
  }

  private String value(Service s, String expected) {
    String held = read(s);
    if (held == null) {
      return "cannot read its value";
    }
    return held.equals(expected) ? "ok" : "holds " + generation(held) + ", newest is " + generation(expected);
  }

  /** The value the running container holds, or null when it cannot be read. */
  String read(Service s) {
    if (s.fileMode()) {
      DockerCli.Result r = docker.run("exec", s.name(), "cat", FILE_DIR + "/" + KEY);
      return r.ok() ? r.out().trim() : null;
    }
    DockerCli.Result r = docker.run("exec", s.name(), "env");
    if (!r.ok()) {
      return null;
    }
    for (String line : r.out().split("\n")) {
      if (line.startsWith(KEY + "=")) {
        return line.substring(KEY.length() + 1).trim();
      }
    }
    return "(unset)";
  }

  /** The marker file of a volume service, or why it cannot be read. */
  String marker(Service s) {
    DockerCli.Result r = docker.run("exec", s.name(), "cat", "/data/marker");
    return r.ok() ? r.out().trim() : "(unreadable: " + r.err().trim() + ")";
  }

  /** {@code g<n>} of a soak value (its generation), so reports never print a value. */
  static String generation(String value) {
    if (value == null) {
      return "(none)";
    }
    int at = value.lastIndexOf("-g");
    return at < 0 ? "(not a soak value)" : value.substring(at + 1);
  }
}
