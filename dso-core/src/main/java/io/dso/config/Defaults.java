package io.dso.config;

import java.util.Objects;

/**
 * The {@code defaults:} section, applied to every secret that does not say otherwise. A null
 * {@code rotationStrategy} means the section names none, so {@code agent.rotation.strategy} decides.
 */
public record Defaults(InjectSpec inject, boolean rotationEnabled, String rotationStrategy) {
  public static final Defaults DEFAULT = new Defaults(InjectSpec.ENV, false, null);

  public Defaults {
    Objects.requireNonNull(inject, "inject");
  }
}
