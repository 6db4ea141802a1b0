package io.dso.inject;

import java.time.Instant;
import java.util.List;

/** What {@code dso inspect} shows of a container: which secrets and keys it holds, never values. */
public record ContainerReport(String id, String name, List<Entry> secrets) {
  /** One secret in the container: mode, env var or file names, version HMAC prefix, when injected. */
  public record Entry(String secret, String mode, String path, List<String> keys, String version, Instant injectedAt) {}

  public ContainerReport {
    secrets = List.copyOf(secrets);
  }
}
