package io.dso.compose;

/** Placeholder until the in-process planner lands (owned by another branch; replaced at merge). */
public final class InProcessPlanner {
  private InProcessPlanner() {}

  /** The planner that resolves in this process: {@code config} or {@code ./dso.yaml}, else the local vault. */
  public static ComposePlanner create(java.nio.file.Path configOrNull) {
    throw new UnsupportedOperationException("InProcessPlanner: not built yet");
  }
}
