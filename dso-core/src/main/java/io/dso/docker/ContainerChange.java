package io.dso.docker;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a clone changes relative to its source: env vars to set (replacing same-named ones), labels
 * to set and to remove, and bind mounts to add (replacing any mount at the same destination).
 */
public record ContainerChange(
    Map<String, String> setEnv, Map<String, String> setLabels, Set<String> removeLabels, List<BindMount> binds) {

  /** A host directory or file bind-mounted into the container. */
  public record BindMount(String source, String destination, boolean readOnly) {}

  public static final ContainerChange NONE = new ContainerChange(Map.of(), Map.of(), Set.of(), List.of());

  public ContainerChange {
    setEnv = Map.copyOf(setEnv);
    setLabels = Map.copyOf(setLabels);
    removeLabels = Set.copyOf(removeLabels);
    binds = List.copyOf(binds);
  }

  @Override
  public String toString() {
    // env values may be secrets
    return "ContainerChange[env " + setEnv.keySet() + ", labels " + setLabels.keySet() + ", binds " + binds + "]";
  }
}
