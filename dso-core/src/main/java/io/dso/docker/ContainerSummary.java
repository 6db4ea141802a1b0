package io.dso.docker;

import java.util.Map;

/** A container as listed: id, name (no leading slash), image, labels and state (e.g. {@code running}). */
public record ContainerSummary(String id, String name, String image, Map<String, String> labels, String state) {
  public ContainerSummary {
    labels = Map.copyOf(labels);
  }
}
