package io.dso.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of {@code secrets:}. {@code rotationStrategy} and {@code reloadStrategy} are null when the
 * secret does not set them; {@code mappings} maps provider keys to env var (or file) names in YAML order.
 */
public record SecretSpec(
    String name,
    String provider,
    InjectSpec inject,
    boolean rotation,
    String rotationStrategy,
    ReloadStrategy reloadStrategy,
    Targets targets,
    Map<String, String> mappings,
    int line) {
  public SecretSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(inject, "inject");
    Objects.requireNonNull(targets, "targets");
    mappings = Collections.unmodifiableMap(new LinkedHashMap<>(mappings));
  }
}
