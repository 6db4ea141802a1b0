package io.dso.api;

import io.dso.inject.ContainerReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the API may show of secrets and containers: names, versions, key names and times, never values. */
public interface SecretsView {
  /** One cached secret without its values. */
  record SecretInfo(String name, String provider, long version, Instant fetchedAt, List<String> keys) {
    public SecretInfo {
      keys = List.copyOf(keys);
    }
  }

  List<SecretInfo> secrets();

  /** What the agent injected into a container, or empty when no container has that name or id. */
  Optional<ContainerReport> container(String nameOrId);
}
