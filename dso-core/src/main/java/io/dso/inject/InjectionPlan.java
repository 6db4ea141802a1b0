package io.dso.inject;

import io.dso.config.SecretSpec;
import io.dso.docker.ContainerChange;
import io.dso.docker.ContainerDetails;
import java.util.List;

/**
 * What it takes to bring one container to the current version of its secrets. {@code change}
 * carries the full env, labels and binds a replacement container needs; secrets are sorted into
 * those that need a new container (env changed, mount missing) and those already rewritten in place.
 */
public record InjectionPlan(
    ContainerDetails container,
    Target target,
    ContainerChange change,
    List<SecretSpec> needNewContainer,
    List<SecretSpec> rewrittenInPlace,
    List<SecretSpec> neverInjected) {

  public InjectionPlan {
    needNewContainer = List.copyOf(needNewContainer);
    rewrittenInPlace = List.copyOf(rewrittenInPlace);
    neverInjected = List.copyOf(neverInjected);
  }

  public boolean needsNewContainer() {
    return !needNewContainer.isEmpty();
  }

  /** Nothing to do: the container already holds the current version of everything. */
  public boolean upToDate() {
    return needNewContainer.isEmpty() && rewrittenInPlace.isEmpty();
  }

  /** True when the only missing secrets were never in the container (first injection, not an update). */
  public boolean firstInjectionOnly() {
    return neverInjected.containsAll(needNewContainer) && rewrittenInPlace.isEmpty();
  }

  /** Secrets whose change this plan delivers, in config order. */
  public List<SecretSpec> changed() {
    return target.secrets().stream()
        .filter(s -> needNewContainer.contains(s) || rewrittenInPlace.contains(s))
        .toList();
  }
}
