package io.dso.cli.compose;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dso.compose.ComposePlan;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Shows a plan without values: per service the variables (their reference templates), the secrets
 * with keys and injection mode, mounts and labels; as aligned text or as JSON.
 */
final class PlanPrinter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlanPrinter() {}

  /** The plan as a JSON object; {@code compose_exit} is added by the caller when Compose ran. */
  static ObjectNode json(ComposeProject project, ComposePlan.Response plan, boolean dryRun) {
    ObjectNode root = JSON.createObjectNode();
    root.put("project", project.name());
    root.put("dry_run", dryRun);
    root.put("rotating", plan.rotating());
    ArrayNode files = root.putArray("files");
    project.files().forEach(f -> files.add(f.toString()));
    ArrayNode services = root.putArray("services");
    for (ComposePlan.ServicePlan s : plan.services()) {
      ObjectNode node = services.addObject();
      node.put("service", s.service());
      ObjectNode vars = node.putObject("variables");
      templates(project, s.service()).forEach(vars::put);
      ArrayNode secrets = node.putArray("secrets");
      for (ComposePlan.SecretUse use : nonNull(s.secrets())) {
        ObjectNode u = secrets.addObject();
        u.put("secret", use.secret());
        u.put("mode", use.mode());
        ArrayNode keys = u.putArray("keys");
        nonNull(use.keys()).forEach(keys::add);
      }
      ArrayNode mounts = node.putArray("mounts");
      for (ComposePlan.Mount m : nonNull(s.mounts())) {
        mounts.addObject().put("source", m.source()).put("target", m.target());
      }
      ObjectNode labels = node.putObject("labels");
      if (s.labels() != null) {
        s.labels().forEach(labels::put);
      }
    }
    return root;
  }

  static void text(PrintWriter out, ComposeProject project, ComposePlan.Response plan, boolean dryRun) {
    out.printf("Compose project '%s'%s%n", project.name(), dryRun ? " (dry run: nothing started, nothing written)" : "");
    if (plan.services().isEmpty()) {
      out.println("  no dso:// or dsofile:// references: Compose runs unchanged");
    }
    for (ComposePlan.ServicePlan s : plan.services()) {
      out.printf("service %s%n", s.service());
      templates(project, s.service()).forEach((var, template) -> out.printf("  %-24s = %s%n", var, template));
      for (ComposePlan.SecretUse use : nonNull(s.secrets())) {
        out.printf("  secret %-30s mode %-4s keys %s%n", use.secret(), use.mode(), String.join(", ", nonNull(use.keys())));
      }
      for (ComposePlan.Mount m : nonNull(s.mounts())) {
        out.printf("  mount  %s -> %s (read-only)%n", m.source() == null ? "(a directory on the secrets tmpfs)" : m.source(), m.target());
      }
    }
    out.println(plan.rotating()
        ? "rotation: the running agent rotates these services when a secret changes"
        : "rotation: none (no agent running; start one with 'dso agent' to rotate these services)");
    out.flush();
  }

  /** The service's referencing variables and their templates: references, never values. */
  private static Map<String, String> templates(ComposeProject project, String service) {
    return project.references().stream()
        .filter(r -> r.service().equals(service))
        .findFirst()
        .map(ComposePlan.ServiceRequest::env)
        .orElse(Map.of());
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
