package io.dso.cli.diag;

import java.util.ArrayList;
import java.util.List;

/** Doctor's checks for people: one line per check, the fix indented below, a summary last. */
public final class DoctorView {
  private final Terminal term;

  public DoctorView(Terminal term) {
    this.term = term;
  }

  public List<String> render(List<Check> checks) {
    int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    List<String> out = new ArrayList<>();
    int[] counts = new int[Check.Status.values().length];
    for (Check c : checks) {
      counts[c.status().ordinal()]++;
      out.add(label(c.status()) + "  " + c.name() + " ".repeat(width - c.name().length()) + "  " + c.detail());
      if (c.fix() != null && c.status() != Check.Status.PASS) {
        out.add("      " + " ".repeat(width) + "  fix: " + c.fix());
      }
    }
    out.add("");
    out.add(counts[0] + " passed, " + counts[1] + " warning(s), " + counts[2] + " failed");
    return out;
  }

  private String label(Check.Status s) {
    return switch (s) {
      case PASS -> term.green("PASS");
      case WARN -> term.yellow("WARN");
      case FAIL -> term.red("FAIL");
    };
  }
}
