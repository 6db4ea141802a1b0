package io.dso.cache;

import io.dso.provider.Lease;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretRef;
import java.time.Duration;
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
  private final Map<String, Duration> rollouts = new ConcurrentHashMap<>();
  /** The rollout time assumed before one was measured: a rolling rotation with its health gate. */
  static final Duration DEFAULT_ROLLOUT = Duration.ofMillis(1_700);

  Optional<String> token(String secret) {
    return Optional.ofNullable(tokens.get(secret));
  }

  Optional<Lease> lease(String secret) {
    return Optional.ofNullable(leases.get(secret));
  }

  /** Whether the held payload's lease has reached its refresh point at {@code now}. */
  boolean leaseDue(String secret, Instant now) {
    return refreshPoint(secret).map(at -> !now.isBefore(at)).orElse(false);
  }

  /**
   * When to fetch the successor of the held lease: two thirds into it ({@link Lease#refreshAt()}),
   * but for a lease so short that the rest would not cover a rollout, earlier: leave 1.5x the last
   * rollout of this secret (at least {@link #DEFAULT_ROLLOUT}) before expiry. Never before
   * half the lease, so that a slow rollout cannot turn into a credential per poll.
   */
  Optional<Instant> refreshPoint(String secret) {
    Lease l = leases.get(secret);
    if (l == null) {
      return Optional.empty();
    }
    Duration rollout = rollouts.getOrDefault(secret, DEFAULT_ROLLOUT);
    // The default is a floor: a rollout with no container to rotate says nothing about the next one.
    Duration reserve = (rollout.compareTo(DEFAULT_ROLLOUT) < 0 ? DEFAULT_ROLLOUT : rollout).multipliedBy(3).dividedBy(2);
    Instant byRollout = l.expiresAt().minus(reserve);
    Instant half = l.issuedAt().plus(Duration.between(l.issuedAt(), l.expiresAt()).dividedBy(2));
    Instant at = byRollout.isBefore(l.refreshAt()) ? byRollout : l.refreshAt();
    return Optional.of(at.isBefore(half) ? half : at);
  }

  /** Remembers how long the last rollout of {@code secret} took, for {@link #refreshPoint}. */
  void rolledOutIn(String secret, Duration took) {
    rollouts.put(secret, took);
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
