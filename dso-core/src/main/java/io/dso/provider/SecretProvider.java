package io.dso.provider;

/** A live connection to one configured provider instance; thread-safe. */
public interface SecretProvider extends AutoCloseable {
  /**
   * Fetches the current payload.
   *
   * @throws SecretNotFoundException when the provider has no such secret
   * @throws ProviderException for every other failure
   */
  SecretPayload fetch(SecretRef ref);

  @Override
  default void close() {}
}
