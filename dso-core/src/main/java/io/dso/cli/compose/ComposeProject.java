package io.dso.cli.compose;

import io.dso.compose.ComposePlan;
import io.dso.compose.EnvTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Compose project as {@code dso} sees it: its files (in {@code -f} order), its name, the Compose
 * file format version of the first file (copied into the override so Compose v1 merges them), and per
 * service the environment after merging every file, as Compose merges it.
 */
public record ComposeProject(
    Path directory,
    List<Path> files,
    String name,
    String version,
    Map<String, Map<String, String>> environment) {

  public ComposeProject {
    files = List.copyOf(files);
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    environment.forEach((service, env) -> copy.put(service, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env))));
    environment = java.util.Collections.unmodifiableMap(copy);
  }

  /** The variables that hold {@code dso://}/{@code dsofile://} references, per service; others are left alone. */
  public List<ComposePlan.ServiceRequest> references() {
    List<ComposePlan.ServiceRequest> out = new ArrayList<>();
    environment.forEach((service, env) -> {
      Map<String, String> refs = new LinkedHashMap<>();
      env.forEach((var, value) -> {
        if (EnvTemplate.hasReference(value)) {
          refs.put(var, value);
        }
      });
      if (!refs.isEmpty()) {
        out.add(new ComposePlan.ServiceRequest(service, refs));
      }
    });
    return out;
  }

  /** The plan request for this project. */
  public ComposePlan.Request request(boolean dryRun) {
    return new ComposePlan.Request(name, references(), dryRun);
  }
}
