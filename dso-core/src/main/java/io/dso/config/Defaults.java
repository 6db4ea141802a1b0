package io.dso.config;

import java.util.Objects;

/** The {@code defaults:} section, applied to every secret that does not say otherwise. */
public record Defaults(InjectSpec inject, boolean rotationEnabled, String rotationStrategy) {
  public static final Defaults DEFAULT = new Defaults(InjectSpec.ENV, false, "auto");

  public Defaults {
    Objects.requireNonNull(inject, "inject");
    Objects.requireNonNull(rotationStrategy, "rotationStrategy");
  }
}
