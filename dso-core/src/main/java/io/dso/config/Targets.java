package io.dso.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Containers named explicitly and labels that select containers; both may be empty, never null. */
public record Targets(List<String> containers, Map<String, String> labels) {
  public static final Targets NONE = new Targets(List.of(), Map.of());

  public Targets {
    containers = List.copyOf(containers);
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }
}
