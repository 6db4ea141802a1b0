package io.dso.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A live connection to one configured provider instance; thread-safe. */
public interface SecretProvider extends AutoCloseable {
  /**
   * Fetches the current payload.
   *
   * @throws SecretNotFoundException when the provider has no such secret
   * @throws ProviderException for every other failure
   */
  SecretPayload fetch(SecretRef ref);

  /**
   * A cheap token that changes whenever the secret's content changes (a version id, a file's mtime and
   * size), or empty when the backend offers none. When the token equals the one attached to the held
   * payload ({@link SecretPayload#changeToken()}), the agent skips the full read.
   *
   * @throws SecretNotFoundException when the provider has no such secret
   * @throws ProviderException for every other failure
   */
  default Optional<String> changeToken(SecretRef ref) {
    return Optional.empty();
  }

  /**
   * Fetches several secrets of this provider in as few calls as the backend allows, one result per
   * reference in the same order; one secret's failure is its own result, not an exception for all.
   * The default fetches them one by one.
   */
  default List<FetchResult> fetchAll(List<SecretRef> refs) {
    List<FetchResult> out = new ArrayList<>(refs.size());
    for (SecretRef ref : refs) {
      try {
        out.add(FetchResult.of(ref, fetch(ref)));
      } catch (ProviderException e) {
        out.add(FetchResult.failed(ref, e));
      }
    }
    return out;
  }

  /**
   * Called once no container uses {@code payload} any more (its successor has been rolled out), so
   * that a dynamic credential's lease can be revoked. Failures are the provider's to log; the
   * default does nothing.
   */
  default void retire(SecretRef ref, SecretPayload payload) {}

  @Override
  default void close() {}
}
