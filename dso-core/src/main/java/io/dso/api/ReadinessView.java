package io.dso.api;

/** What {@code /ready} reports: whether the first fetch is done and whether Docker answers. */
@FunctionalInterface
public interface ReadinessView {
  /** A snapshot of the agent's readiness. */
  record Readiness(boolean ready, boolean secretsFetched, boolean dockerUp, String dockerHost) {}

  Readiness readiness();
}
