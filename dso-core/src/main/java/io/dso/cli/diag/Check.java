package io.dso.cli.diag;

import java.util.LinkedHashMap;
import java.util.Map;

/** One doctor check: what was checked, the verdict, what was found, and how to fix it (null when nothing to fix). */
public record Check(String name, Status status, String detail, String fix) {
  /** The verdict of a check. */
  public enum Status { PASS, WARN, FAIL }

  public static Check pass(String name, String detail) {
    return new Check(name, Status.PASS, detail, null);
  }

  public static Check warn(String name, String detail, String fix) {
    return new Check(name, Status.WARN, detail, fix);
  }

  public static Check fail(String name, String detail, String fix) {
    return new Check(name, Status.FAIL, detail, fix);
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("status", status.name());
    m.put("detail", detail);
    m.put("fix", fix);
    return m;
  }
}
