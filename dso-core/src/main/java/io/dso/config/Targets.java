package io.dso.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Containers named explicitly and labels that select containers; both may be empty, never null.
 * {@code allowLabels}: a container's own {@code dso.secrets} label may ask for this secret even
 * under {@code agent.label_targeting: restricted}.
 */
public record Targets(List<String> containers, Map<String, String> labels, boolean allowLabels) {
  public static final Targets NONE = new Targets(List.of(), Map.of());

  public Targets {
    containers = List.copyOf(containers);
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  /** Targets that do not allow label requests beyond the open mode. */
  public Targets(List<String> containers, Map<String, String> labels) {
    this(containers, labels, false);
  }
}
