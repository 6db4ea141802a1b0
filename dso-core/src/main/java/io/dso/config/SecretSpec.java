package io.dso.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of {@code secrets:}. {@code rotationStrategy} and {@code reloadStrategy} are null when the
 * secret does not set them; {@code mappings} maps provider keys to env var (or file) names in YAML order;
 * {@code allowReserved} holds the env var names whose mapping says {@code allow_reserved: true}.
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
    int line,
    Set<String> allowReserved) {
  public SecretSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(inject, "inject");
    Objects.requireNonNull(targets, "targets");
    mappings = Collections.unmodifiableMap(new LinkedHashMap<>(mappings));
    allowReserved = Set.copyOf(allowReserved);
  }

  /** A secret none of whose mappings may set a reserved env var. */
  public SecretSpec(String name, String provider, InjectSpec inject, boolean rotation, String rotationStrategy,
      ReloadStrategy reloadStrategy, Targets targets, Map<String, String> mappings, int line) {
    this(name, provider, inject, rotation, rotationStrategy, reloadStrategy, targets, mappings, line, Set.of());
  }
}
