package io.dso.config;

/** How the agent notices that a secret changed in its provider; written lower-case in dso.yaml. */
public enum WatchMode {
  POLLING,
  EVENT,
  HYBRID
}
