package io.dso.provider;

import java.util.Objects;

/** A secret as a provider knows it: the configured provider instance and the secret's path/name. */
public record SecretRef(String provider, String name) {
  public SecretRef {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(name, "name");
  }
}
