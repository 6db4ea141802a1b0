package io.dso.config;

/** Where a secret lands in a container: environment variables or files on a tmpfs mount. */
public enum InjectMode {
  ENV,
  FILE
}
