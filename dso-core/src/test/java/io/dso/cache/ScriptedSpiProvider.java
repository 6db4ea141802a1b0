package io.dso.cache;

import io.dso.provider.FetchResult;
import io.dso.provider.Lease;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider double that speaks the whole SPI: a version per secret as its change token, a batch
 * read, and (optionally) a new leased credential per read, as a dynamic engine issues them. It
 * counts every kind of call and records what was retired.
 */
final class ScriptedSpiProvider implements SecretProvider {
  private final Map<String, Integer> versions = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration leaseLength;
  final AtomicInteger fetches = new AtomicInteger();
  final AtomicInteger tokenChecks = new AtomicInteger();
  final AtomicInteger batches = new AtomicInteger();
  final AtomicInteger leasesIssued = new AtomicInteger();
  final List<SecretPayload> retired = new CopyOnWriteArrayList<>();

  /** @param leaseLength null for a key/value store, else the lease of every credential read */
  ScriptedSpiProvider(Clock clock, Duration leaseLength) {
    this.clock = clock;
    this.leaseLength = leaseLength;
  }

  void bump(String secret) {
    versions.compute(secret, (k, v) -> v == null ? 2 : v + 1);
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    fetches.incrementAndGet();
    return read(ref);
  }

  private SecretPayload read(SecretRef ref) {
    int v = versions.getOrDefault(ref.name(), 1);
    if (leaseLength == null) {
      return new SecretPayload(Map.of("value", ref.name() + "-v" + v)).withChangeToken(Integer.toString(v));
    }
    int n = leasesIssued.incrementAndGet();
    Instant now = clock.instant();
    Lease lease = new Lease("lease-" + n, now, now.plus(leaseLength), false);
    return new SecretPayload(Map.of("username", "user-" + n)).withLease(lease).withChangeToken(lease.id());
  }

  @Override
  public Optional<String> changeToken(SecretRef ref) {
    tokenChecks.incrementAndGet();
    if (leaseLength != null) {
      // As a dynamic engine's plugin would: the held lease's id (unchanged) until told otherwise.
      return Optional.of("lease-" + leasesIssued.get());
    }
    return Optional.of(Integer.toString(versions.getOrDefault(ref.name(), 1)));
  }

  @Override
  public List<FetchResult> fetchAll(List<SecretRef> refs) {
    batches.incrementAndGet();
    return refs.stream().map(r -> FetchResult.of(r, read(r))).toList();
  }

  @Override
  public void retire(SecretRef ref, SecretPayload payload) {
    retired.add(payload);
  }
}
