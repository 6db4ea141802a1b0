package io.dso.cache;

import io.dso.provider.Lease;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per secret, the provider metadata of the held payload (its change token and lease) and the leased
 * payloads it superseded that containers may still use. Kept apart from the cache because it is
 * needed even when {@code agent.cache} keeps no values; it never holds a secret value unless the
 * cache does.
 */
final class HeldVersions {
  /** A superseded leased payload waiting until no container uses it. */
  record Superseded(SecretRef ref, SecretPayload payload) {}

  private static final SecretPayload NO_VALUES = new SecretPayload(Map.of());

  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, List<Superseded>> superseded = new ConcurrentHashMap<>();

  Optional<String> token(String secret) {
    return Optional.ofNullable(tokens.get(secret));
  }

  Optional<Lease> lease(String secret) {
    return Optional.ofNullable(leases.get(secret));
  }

  /** Whether the held payload's lease has reached its refresh point at {@code now}. */
  boolean leaseDue(String secret, Instant now) {
    Lease l = leases.get(secret);
    return l != null && !now.isBefore(l.refreshAt());
  }

  /**
   * Records the metadata of a freshly fetched payload; a held lease that the new payload does not
   * carry becomes superseded. {@code previous} is the cached previous payload (null when values are
   * not cached: then the retirement gets the lease alone, on a payload without values).
   */
  void held(SecretRef ref, SecretPayload payload, SecretPayload previous) {
    String name = ref.name();
    payload.changeToken().ifPresentOrElse(t -> tokens.put(name, t), () -> tokens.remove(name));
    Lease old = payload.lease().isPresent() ? leases.put(name, payload.lease().get()) : leases.remove(name);
    if (old == null || payload.lease().map(old::equals).orElse(false)) {
      return;
    }
    SecretPayload retired = previous != null && previous.lease().map(old::equals).orElse(false)
        ? previous : NO_VALUES.withLease(old);
    superseded.merge(name, List.of(new Superseded(ref, retired)), (a, b) -> {
      List<Superseded> all = new ArrayList<>(a);
      all.addAll(b);
      return List.copyOf(all);
    });
  }

  /** Forgets a secret that no longer exists; its superseded leases stay for retirement. */
  void forget(String secret) {
    tokens.remove(secret);
    leases.remove(secret);
  }

  /** Takes (once) the superseded payloads of {@code secret}: each is handed out exactly once. */
  List<Superseded> takeSuperseded(String secret) {
    List<Superseded> due = superseded.remove(secret);
    return due == null ? List.of() : due;
  }

  boolean hasSuperseded(String secret) {
    return superseded.containsKey(secret);
  }
}
