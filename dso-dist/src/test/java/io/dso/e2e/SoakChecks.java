package io.dso.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.testing.DockerCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The soak's end: with the agent still running, the services' state; then a final SIGTERM, and the
 * audit log, the leak scan and the journal. Every check lands in the report, failures with diagnostics.
 *
 * <p>Audit rule: for each service, the {@code container_id}s of the {@code secret_rotate} records with
 * status {@code success} (excluding the record of the baseline holder, i.e. of the first injection) must
 * equal, as a multiset, the ids Docker's events show as promoted under the service's name after the
 * baseline ({@link SoakLedger}): one record per rotation performed, none for a rotation that did not
 * happen, none twice.
 */
final class SoakChecks {
  private static final List<String> FIELDS =
      List.of("timestamp", "level", "event", "user", "provider", "secret_name", "container_id", "status");

  private final RotationSoak soak;
  private final SoakAgent agent;
  private final SoakProbe probe;
  private final SoakLedger ledger;
  private final boolean drove;
  private final SoakReport report;
  private final Set<String> troubled = new HashSet<>();

  SoakChecks(RotationSoak soak, SoakAgent agent, SoakProbe probe, SoakLedger ledger, boolean drove) {
    this.soak = soak;
    this.agent = agent;
    this.probe = probe;
    this.ledger = ledger;
    this.drove = drove;
    this.report = soak.report;
  }

  void finish() throws Exception {
    SoakProbe.Snapshot end = probe.look(soak.newest());
    List<String> bad = end.verdicts().entrySet().stream().filter(e -> !e.getValue().equals("ok")).map(e -> e.getKey() + ": " + e.getValue()).toList();
    end.verdicts().forEach((k, v) -> { if (!v.equals("ok")) { troubled.add(k); } });
    report.check("one running container per service, holding the newest value", bad.isEmpty(),
        bad.isEmpty() ? soak.services.size() + " services ok" : String.join("; ", bad));
    List<String> lost = new ArrayList<>();
    int volumes = 0;
    for (SoakProbe.Service s : soak.services) {
      if (s.volume()) {
        volumes++;
        String m = probe.marker(s);
        if (!m.equals(soak.marker(s))) {
          lost.add(s.name() + " (" + s.strategy() + "): " + m);
          troubled.add(s.name());
        }
      }
    }
    report.check("volume data intact (marker written before the agent started)", lost.isEmpty(),
        lost.isEmpty() ? volumes + " volumes ok" : lost.size() + " of " + volumes + " lost: " + String.join("; ", lost));
    report.check("rotation target reached within the drive's bound", drove,
        report.figures.getOrDefault("rotations when the drive ended", "the drive did not start (first injection)"));
    long unconverged = report.faults.stream().filter(f -> f.converged() == null).count();
    report.check("converged after every fault", unconverged == 0 && !report.faults.isEmpty(),
        report.faults.size() + " faults, " + unconverged + " not converged within " + soak.settings.convergeWithin());

    SoakAgent.Stop stop = agent.alive() ? agent.terminate(Duration.ofSeconds(60)) : null;
    List<JsonNode> records = audit();
    String lastEvent = records.isEmpty() ? "(none)" : records.getLast().path("event").asText();
    report.check("final SIGTERM: exits, agent_stop is the last audit record",
        stop != null && !stop.forced() && lastEvent.equals("agent_stop"),
        stop == null ? "the agent was not running" : "exit " + stop.exit() + " after " + stop.took().toMillis() + " ms"
            + (stop.forced() ? " (forced)" : "") + ", last record " + lastEvent);
    rotationsMatch(records);
    leaks();
    journal();
    if (!report.passed()) {
      diagnostics(records);
    }
  }

  private List<JsonNode> audit() throws IOException {
    List<JsonNode> records = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    List<String> lines = Files.exists(agent.audit) ? Files.readAllLines(agent.audit, StandardCharsets.UTF_8) : List.of();
    Map<String, Integer> byEvent = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = RotationFixture.JSON.readTree(line);
        if (!n.isObject() || !FIELDS.stream().allMatch(n::has)) {
          broken.add("line " + (i + 1) + ": missing contract fields");
          continue;
        }
        records.add(n);
        byEvent.merge(n.path("event").asText() + "/" + n.path("status").asText(), 1, Integer::sum);
      } catch (IOException e) {
        broken.add("line " + (i + 1) + ": not JSON (" + line.length() + " chars)");
      }
    }
    report.figure("audit records (event/status -> count)", byEvent);
    report.check("every audit line is a JSON record with the eight contract fields", broken.isEmpty(),
        records.size() + " records" + (broken.isEmpty() ? "" : ", broken: " + broken.subList(0, Math.min(5, broken.size()))));
    return records;
  }

  private void rotationsMatch(List<JsonNode> records) {
    Set<String> names = new HashSet<>(soak.baselines.keySet());
    Map<String, String> family = ledger.families(names);
    Map<String, List<String>> recorded = new LinkedHashMap<>();
    names.forEach(n -> recorded.put(n, new ArrayList<>()));
    int unattributed = 0;
    for (JsonNode r : records) {
      if (!r.path("event").asText().equals("secret_rotate") || !r.path("status").asText().equals("success")) {
        continue;
      }
      String id = r.path("container_id").asText();
      String service = family.get(id);
      if (service == null) {
        unattributed++;
      } else if (!soak.baselines.get(service).startsWith(id)) {
        recorded.get(service).add(id);
      }
    }
    int promoted = 0;
    int attempts = 0;
    int bounced = 0;
    int abandoned = 0;
    List<String> mismatches = new ArrayList<>();
    for (SoakProbe.Service s : soak.services) {
      if (!soak.baselines.containsKey(s.name())) {
        continue;
      }
      SoakLedger.Service seen = ledger.service(s.name(), soak.baselines.get(s.name()));
      promoted += seen.promoted().size();
      attempts += seen.attempts();
      bounced += seen.bounced().size();
      abandoned += seen.abandoned();
      List<String> want = seen.promoted().stream().map(id -> id.substring(0, 12)).sorted().toList();
      List<String> got = recorded.get(s.name()).stream().sorted().toList();
      if (!want.equals(got)) {
        troubled.add(s.name());
        List<String> missing = new ArrayList<>(want);
        got.forEach(missing::remove);
        List<String> extra = new ArrayList<>(got);
        want.forEach(extra::remove);
        mismatches.add("%s (%s, %s): %d rotations, %d records; no record for %s; record without a rotation %s".formatted(
            s.name(), s.strategy(), s.fileMode() ? "file" : "env", want.size(), got.size(), missing, extra));
      }
    }
    report.figure("rotations performed (Docker: promotions after baseline)", promoted);
    report.figure("rotations attempted (Docker: _dso_new containers created)", attempts);
    report.figure("rolled back (Docker: name given back / clone removed unpromoted)", bounced + " / " + abandoned);
    report.figure("holder changes the events missed (seen by a look)", ledger.observed());
    report.check("secret_rotate success records match the rotations Docker shows", mismatches.isEmpty() && unattributed == 0,
        "%d promotions; %d records for unknown containers%s".formatted(promoted, unattributed,
            mismatches.isEmpty() ? "" : "; " + String.join("; ", mismatches)));
  }

  private void leaks() throws IOException {
    List<String> hits = new ArrayList<>();
    for (Path p : List.of(agent.stdout, agent.stderr, agent.audit)) {
      if (Files.exists(p) && Files.readString(p, StandardCharsets.ISO_8859_1).contains(soak.canary())) {
        hits.add(p.getFileName().toString());
      }
    }
    if (Files.exists(agent.stateDir)) {
      DockerCli.filesContaining(agent.stateDir, soak.canary()).forEach(p -> hits.add(agent.dir.relativize(p).toString()));
    }
    report.check("no secret value in agent stdout/stderr, audit log or state dir", hits.isEmpty(),
        hits.isEmpty() ? "canary prefix not found" : "canary found in " + hits);
  }

  /** The agent's WARN and ERROR lines (last 40) with the incarnation headers, over all incarnations. */
  private String problems() {
    try {
      List<String> lines = Files.readAllLines(agent.stderr, StandardCharsets.ISO_8859_1).stream()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.startsWith("=== soak")).toList();
      return "--- agent WARN/ERROR lines (last 40) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "--- agent stderr unreadable: " + e.getMessage();
    }
  }

  private void journal() throws IOException {
    Path dir = agent.stateDir.resolve("rotations");
    List<String> left = List.of();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        left = s.map(p -> p.getFileName().toString()).sorted().toList();
      }
    }
    report.check("no rotation journal left after convergence and stop", left.isEmpty(), left.isEmpty() ? "empty" : left.toString());
  }

  private void diagnostics(List<JsonNode> records) {
    Map<String, String> family = ledger.families(soak.baselines.keySet());
    for (String name : troubled.stream().sorted().toList()) {
      report.diagnostics.add("docker events of " + name + " (last 20):\n  " + String.join("\n  ", ledger.describe(name, 20)));
      List<String> own = records.stream()
          .filter(r -> name.equals(family.get(r.path("container_id").asText())))
          .filter(r -> r.path("event").asText().matches("secret_rotate|rotation_rollback|secret_inject"))
          .map(JsonNode::toString).toList();
      report.diagnostics.add("audit records of " + name + "'s containers (last 10):\n  "
          + String.join("\n  ", own.subList(Math.max(0, own.size() - 10), own.size())));
    }
    List<JsonNode> tail = records.subList(Math.max(0, records.size() - 25), records.size());
    StringBuilder b = new StringBuilder("last " + tail.size() + " audit records:\n");
    tail.forEach(r -> b.append("  ").append(r).append('\n'));
    report.diagnostics.add(b.toString());
    report.diagnostics.add(probe.look(soak.newest()).describe());
    report.diagnostics.add(problems());
    report.diagnostics.add(SoakAgent.tail(agent.stderr, 40));
    report.diagnostics.add("logs: " + agent.dir);
  }
}
