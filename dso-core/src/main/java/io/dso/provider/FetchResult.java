package io.dso.provider;

import java.util.Objects;

/** One secret's outcome in a batch fetch: exactly one of {@code payload} and {@code error} is set. */
public record FetchResult(SecretRef ref, SecretPayload payload, ProviderException error) {
  public FetchResult {
    Objects.requireNonNull(ref, "ref");
    if ((payload == null) == (error == null)) {
      throw new IllegalArgumentException("a fetch result holds either a payload or an error");
    }
  }

  public static FetchResult of(SecretRef ref, SecretPayload payload) {
    return new FetchResult(ref, payload, null);
  }

  public static FetchResult failed(SecretRef ref, ProviderException error) {
    return new FetchResult(ref, null, error);
  }
}
