package io.dso.inject;

import io.dso.config.SecretSpec;
import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import io.dso.provider.SecretPayload;
import java.util.List;
import java.util.Objects;

/**
 * What it takes to bring one container to the current version of its secrets, computed without
 * touching anything: {@code change} carries the full env, labels and binds a replacement container
 * needs (its binds point at {@code newGeneration}, a file set not written yet); {@code files} says
 * what each file-mode secret should hold and where the serving container's own files are. Secrets
 * are sorted into those that need a new container (env changed, mount missing) and those whose
 * files are stale in the serving generation.
 */
public record InjectionPlan(
    ContainerDetails container,
    Target target,
    ContainerChange change,
    List<SecretSpec> needNewContainer,
    List<SecretSpec> staleFiles,
    List<SecretSpec> neverInjected,
    String newGeneration,
    List<FileWrite> files,
    List<ComposeWrite> composeFiles) {

  /**
   * One {@code dsofile://} reference of a Compose service container to (re)write in its service's
   * shared directory: the value is taken from {@code payload} at write time, never kept here.
   */
  public record ComposeWrite(String project, String service, String refPath, SecretSpec spec, String key,
      SecretPayload payload, String version) {
    @Override
    public String toString() {
      return "ComposeWrite[" + project + "/" + service + " " + refPath + " " + payload + "]";
    }
  }

  /** A plan without Compose files. */
  public InjectionPlan(ContainerDetails container, Target target, ContainerChange change, List<SecretSpec> needNewContainer,
      List<SecretSpec> staleFiles, List<SecretSpec> neverInjected, String newGeneration, List<FileWrite> files) {
    this(container, target, change, needNewContainer, staleFiles, neverInjected, newGeneration, files, List.of());
  }

  /**
   * One file-mode secret: its payload (by reference, never printed) and version, and the generation
   * the serving container mounts for it (null when it mounts none of the agent's files for it).
   */
  public record FileWrite(SecretSpec spec, SecretPayload payload, String version, String servingGeneration, boolean current) {
    public FileWrite {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(version, "version");
    }

    /** Mounted in the serving container but older there than the cache: an in-place update rewrites it. */
    public boolean stale() {
      return servingGeneration != null && !current;
    }

    @Override
    public String toString() {
      return "FileWrite[" + spec.name() + " " + payload + " serving " + servingGeneration + (current ? " current" : " stale") + "]";
    }
  }

  public InjectionPlan {
    needNewContainer = List.copyOf(needNewContainer);
    staleFiles = List.copyOf(staleFiles);
    neverInjected = List.copyOf(neverInjected);
    files = List.copyOf(files);
    composeFiles = List.copyOf(composeFiles);
  }

  public boolean needsNewContainer() {
    return !needNewContainer.isEmpty();
  }

  /** Nothing to do: the container already holds the current version of everything. */
  public boolean upToDate() {
    return needNewContainer.isEmpty() && staleFiles.isEmpty();
  }

  /** True when the only missing secrets were never in the container (first injection, not an update). */
  public boolean firstInjectionOnly() {
    return neverInjected.containsAll(needNewContainer) && staleFiles.isEmpty();
  }

  /** Secrets whose change this plan delivers, in config order. */
  public List<SecretSpec> changed() {
    return target.secrets().stream()
        .filter(s -> needNewContainer.contains(s) || staleFiles.contains(s))
        .toList();
  }
}
