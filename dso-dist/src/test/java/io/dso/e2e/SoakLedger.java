package io.dso.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What Docker itself says happened to the soak's services, independent of the agent: a {@code docker events}
 * subscription (re-opened after each daemon restart, from the last event seen) records every container
 * create, rename and destroy. From it, per service name, the soak derives the rotations performed:
 *
 * <p>The <em>holders</em> of a name are the containers that carried it, in event order (created under it
 * or renamed to it). A holder that gives the name back to an earlier holder was a failed attempt (a
 * restart-style rotation rolled back). Removing those leaves the <em>chain</em> of holders; every holder
 * in the chain after the baseline (the holder when the soak's driver started) was promoted by one
 * rotation. An <em>attempt</em> is a {@code <name>_dso_new} container created after the baseline.
 *
 * <p>A daemon going down may take its last events with it, so every look of the probe is fed back
 * ({@link #observe}): a name held by another container than the events say becomes an
 * {@code observed} event at the time of the look (counted in {@link #observed()}).
 */
final class SoakLedger implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The lifecycle events kept (health checks and the probe's own execs would drown them). */
  private static final List<String> ACTIONS = List.of("create", "rename", "start", "die", "destroy");

  /** One container event: when (ns since the epoch), what, which container, under which name. */
  record Event(long timeNano, String action, String id, String name, String oldName) {}

  private final String host;
  private final String prefix;
  private final List<Event> events = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private final Thread reader;
  private volatile boolean closed;
  private volatile Process current;
  private long lastNano;

  /** Subscribes to container events of names starting with {@code prefix}, from {@code sinceNano} on. */
  SoakLedger(String host, String prefix, long sinceNano) {
    this.host = host;
    this.prefix = prefix;
    this.lastNano = sinceNano;
    this.reader = Thread.ofVirtual().name("soak-docker-events").start(this::follow);
  }

  private void follow() {
    while (!closed) {
      long since;
      synchronized (this) {
        since = lastNano;
      }
      try {
        List<String> cmd = new ArrayList<>(List.of("docker", "events", "--filter", "type=container"));
        for (String action : ACTIONS) {
          cmd.addAll(List.of("--filter", "event=" + action)); // repeated filters of one key are OR'ed
        }
        cmd.addAll(List.of("--since", (since / 1_000_000_000L) + "." + String.format("%09d", since % 1_000_000_000L),
            "--format", "{{json .}}"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DOCKER_HOST", host);
        Process p = pb.start();
        current = p;
        p.getOutputStream().close();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            add(line);
          }
        }
        p.waitFor(5, TimeUnit.SECONDS);
        p.destroyForcibly();
      } catch (IOException e) {
        // the daemon is restarting: try again below
      } catch (InterruptedException e) {
        return;
      }
      if (!closed) {
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void add(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      JsonNode attrs = n.path("Actor").path("Attributes");
      String name = attrs.path("name").asText("");
      if (!name.startsWith(prefix)) {
        return;
      }
      String action = n.path("Action").asText(n.path("status").asText());
      String oldName = attrs.path("oldName").asText("");
      Event e = new Event(n.path("timeNano").asLong(), action, n.path("id").asText(), name,
          oldName.startsWith("/") ? oldName.substring(1) : oldName);
      synchronized (this) {
        if (seen.add(e.timeNano() + "|" + e.id() + "|" + e.action())) {
          events.add(e);
        }
        lastNano = Math.max(lastNano, e.timeNano());
      }
    } catch (IOException e) {
      // not an event line (a daemon message); ignored
    }
  }

  private int observed;

  /** What a look at {@code atNano} saw: {@code id} holds {@code name}; fills in a holder change the events missed. */
  synchronized void observe(long atNano, String name, String id) {
    String holder = null;
    for (Event e : events()) {
      if (e.timeNano() <= atNano && e.name().equals(name) && (e.action().equals("create") || e.action().equals("rename")
          || e.action().equals("observed"))) {
        holder = e.id();
      }
    }
    if (holder != null && !holder.equals(id) && seen.add(atNano + "|" + id + "|observed")) {
      events.add(new Event(atNano, "observed", id, name, ""));
      observed++;
    }
  }

  synchronized int observed() {
    return observed;
  }

  synchronized List<Event> events() {
    return events.stream().sorted(Comparator.comparingLong(Event::timeNano)).toList();
  }

  /** Holder ids of {@code service} in event order (consecutive repeats collapsed). */
  static List<String> holders(List<Event> events, String service) {
    List<String> out = new ArrayList<>();
    for (Event e : events) {
      boolean takesName = e.name().equals(service)
          && (e.action().equals("create") || e.action().equals("rename") || e.action().equals("observed"));
      if (takesName && (out.isEmpty() || !out.getLast().equals(e.id()))) {
        out.add(e.id());
      }
    }
    return out;
  }

  /** What the events say about one service after its baseline holder. */
  record Service(List<String> promoted, List<String> bounced, int attempts, int abandoned) {}

  Service service(String service, String baselineId) {
    return service(events(), service, baselineId);
  }

  /** The rule of the class comment over {@code events} (sorted by time). */
  static Service service(List<Event> events, String service, String baselineId) {
    List<String> chain = new ArrayList<>();
    List<String> bounced = new ArrayList<>();
    List<String> holders = holders(events, service);
    for (String h : holders) {
      int at = chain.indexOf(h);
      if (at >= 0) {
        // an earlier holder took the name back: everything after it was rolled back
        List<String> undone = chain.subList(at + 1, chain.size());
        bounced.addAll(undone);
        undone.clear();
      } else {
        chain.add(h);
      }
    }
    int base = chain.indexOf(baselineId);
    List<String> promoted = base < 0 ? List.of() : List.copyOf(chain.subList(base + 1, chain.size()));
    long baseNano = 0;
    for (Event e : events) {
      if (e.id().equals(baselineId) && e.name().equals(service) && (e.action().equals("create") || e.action().equals("rename"))) {
        baseNano = e.timeNano(); // when the baseline holder took the name
        break;
      }
    }
    Set<String> attempts = new LinkedHashSet<>();
    Set<String> everHeld = new HashSet<>(holders);
    Set<String> destroyed = new HashSet<>();
    for (Event e : events) {
      if (e.timeNano() > baseNano && e.action().equals("create") && e.name().equals(service + "_dso_new")) {
        attempts.add(e.id());
      }
      if (e.action().equals("destroy")) {
        destroyed.add(e.id());
      }
    }
    int abandoned = (int) attempts.stream().filter(id -> destroyed.contains(id) && !everHeld.contains(id)).count();
    List<String> bouncedAfter = bounced.stream().filter(attempts::contains).toList();
    return new Service(promoted, bouncedAfter, attempts.size(), abandoned);
  }

  /** Rotations performed over all {@code baselines} (service name to baseline holder id) so far. */
  int promotions(Map<String, String> baselines) {
    int n = 0;
    for (var b : baselines.entrySet()) {
      n += service(b.getKey(), b.getValue()).promoted().size();
    }
    return n;
  }

  /** The events of one service's family (name, _dso_new, _dso_old), for failure reports. */
  List<String> describe(String service, int last) {
    List<String> lines = new ArrayList<>();
    for (Event e : events()) {
      if (e.name().startsWith(service)) {
        lines.add(e.action() + " " + e.id().substring(0, 12) + " " + (e.oldName().isEmpty() ? "" : e.oldName() + " -> ") + e.name());
      }
    }
    return lines.subList(Math.max(0, lines.size() - last), lines.size());
  }

  /** Container id (12 hex) to service name, for every container ever seen in a service's family. */
  Map<String, String> families(Set<String> services) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Event e : events()) {
      String base = e.name().replaceFirst("_dso_(new|old)$", "");
      if (services.contains(base)) {
        out.put(e.id().substring(0, 12), base);
      }
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    Process p = current;
    if (p != null) {
      p.destroyForcibly();
    }
    reader.interrupt();
  }
}
