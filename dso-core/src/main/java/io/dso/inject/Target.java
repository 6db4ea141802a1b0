package io.dso.inject;

import io.dso.config.SecretSpec;
import java.util.List;

/** A container and the secrets it should hold, in config order; {@code strategy} from its label or null. */
public record Target(String id, String name, List<SecretSpec> secrets, String strategy) {
  public Target {
    secrets = List.copyOf(secrets);
  }
}
