package io.dso.cli;

import io.dso.migrate.MigrationPlan;
import java.io.PrintWriter;
import java.util.List;

/** The human form of a migration plan: aligned tables, lengths instead of values. */
final class MigratePreview {
  private MigratePreview() {}

  static void print(MigrationPlan plan, PrintWriter out) {
    out.printf("project %s: %s, %s%n", plan.project(), plan.composeFile(),
        plan.envFiles().isEmpty() ? "no env file" : String.join(", ", plan.envFiles()));
    if (plan.secrets().isEmpty()) {
      out.println("no variable looks secret");
    } else {
      out.printf("%d secret(s) to move into the local vault (values masked):%n", plan.secrets().size());
      table(out, List.of("VARIABLE", "SERVICES", "WHY", "VALUE", "VAULT ENTRY", "FROM"),
          plan.secrets().stream().map(s -> List.of(s.variable(), services(s.services()), s.reason(),
              "**** (" + s.length() + " chars)", s.vaultName(), s.source())).toList());
    }
    if (!plan.kept().isEmpty()) {
      out.printf("%d variable(s) kept as they are:%n", plan.kept().size());
      table(out, List.of("VARIABLE", "SERVICES", "WHY"),
          plan.kept().stream().map(k -> List.of(k.variable(), services(k.services()), k.reason())).toList());
    }
    if (!plan.warnings().isEmpty()) {
      out.printf("%d warning(s):%n", plan.warnings().size());
      plan.warnings().forEach(w -> out.println("  " + w));
    }
  }

  private static String services(List<String> services) {
    return services.isEmpty() ? "-" : String.join(",", services);
  }

  private static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    row(out, header, width);
    rows.forEach(r -> row(out, r, width));
  }

  private static void row(PrintWriter out, List<String> cells, int[] width) {
    StringBuilder line = new StringBuilder("  ");
    for (int i = 0; i < cells.size(); i++) {
      line.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + (width[i] + 2) + "s", cells.get(i)));
    }
    out.println(line.toString().stripTrailing());
  }
}
