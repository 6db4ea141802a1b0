package io.dso.cli.diag;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Renders the agent's {@code GET /api/status} answer as aligned tables for people. */
public final class StatusView {
  private final Terminal term;

  public StatusView(Terminal term) {
    this.term = term;
  }

  /** The whole status as lines, times relative to {@code now}. */
  public List<String> render(JsonNode status, Instant now) {
    List<String> out = new ArrayList<>();
    JsonNode a = status.path("agent");
    String docker = a.path("docker").asText("-");
    out.add(term.bold("AGENT") + "  dso " + a.path("version").asText("?") + ", pid " + a.path("pid").asText("?")
        + ", up " + Terminal.duration(a.path("uptime_seconds").isNumber() ? a.path("uptime_seconds").asLong() : null)
        + ", " + (a.path("ready").asBoolean() ? term.green("ready") : term.yellow("not ready"))
        + ", docker " + ("connected".equals(docker) ? docker : term.red(docker))
        + " (" + a.path("docker_host").asText("-") + ")");
    out.add("       config " + a.path("config").asText("-"));
    if (a.hasNonNull("error")) {
      out.add("       " + term.red(a.path("error").asText()));
    }

    Table providers = new Table("NAME", "TYPE", "HEALTHY", "SECRETS", "LAST SUCCESS", "LAST ERROR");
    for (JsonNode p : status.path("providers")) {
      String error = p.hasNonNull("last_error")
          ? Terminal.ago(p.path("last_error_at").asText(null), now) + ": " + p.path("last_error").asText()
          : null;
      providers.row(p.path("name").asText(), p.path("type").asText(), healthy(p.path("healthy")),
          p.path("secrets").asText(), Terminal.ago(p.path("last_success").asText(null), now), error);
    }
    section(out, "PROVIDERS", providers, "no providers configured");

    Table secrets = new Table("NAME", "PROVIDER", "VERSION", "AGE", "ROTATION", "INJECT", "CONTAINERS");
    for (JsonNode s : status.path("secrets")) {
      secrets.row(s.path("name").asText(), s.path("provider").asText(), text(s.path("version")),
          Terminal.duration(s.path("age_seconds").isNumber() ? s.path("age_seconds").asLong() : null),
          s.path("rotation").asBoolean() ? "on" : "off", text(s.path("inject")), list(s.path("containers")));
    }
    section(out, "SECRETS", secrets, "no secrets configured");

    Table containers = new Table("NAME", "ID", "SECRETS", "STRATEGY");
    for (JsonNode c : status.path("containers")) {
      containers.row(c.path("name").asText(), c.path("id").asText(), list(c.path("secrets")),
          c.hasNonNull("strategy") ? c.path("strategy").asText() : "(from config)");
    }
    section(out, "CONTAINERS", containers,
        "connected".equals(docker) ? "no managed containers" : "unknown: Docker is unreachable");

    Table rotations = new Table("TIME", "SECRET", "CONTAINER", "STRATEGY", "RESULT", "DURATION", "ERROR");
    for (JsonNode r : status.path("rotations")) {
      String result = r.path("result").asText();
      rotations.row(Terminal.ago(r.path("at").asText(null), now), text(r.path("secret")), text(r.path("container")),
          text(r.path("strategy")), result,
          r.path("duration_ms").isNumber() ? r.path("duration_ms").asLong() + " ms" : null, text(r.path("error")));
    }
    section(out, "RECENT ROTATIONS", rotations, "no rotations since the agent started");
    return out;
  }

  private void section(List<String> out, String title, Table table, String empty) {
    out.add("");
    out.add(term.bold(title));
    if (table.isEmpty()) {
      out.add("  " + empty);
    } else {
      out.addAll(table.lines(2));
    }
  }

  private static String healthy(JsonNode h) {
    return h.isBoolean() ? (h.asBoolean() ? "yes" : "no") : "unknown";
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
  }

  private static String list(JsonNode array) {
    if (!array.isArray() || array.isEmpty()) {
      return null;
    }
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asText()));
    return String.join(", ", names);
  }
}
