package io.dso.cache;

import io.dso.provider.SecretPayload;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Memory-only store of secrets by name. {@link #put} compares the SHA-256 of the canonical payload
 * with what it held and says whether the content changed; nothing here ever touches disk.
 */
public final class SecretCache {
  /** What a {@link #put} did: the entry before (if any), the entry now, and whether content changed. */
  public record Update(CachedSecret previous, CachedSecret current) {
    public boolean changed() {
      return previous != null && !previous.sha256().equals(current.sha256());
    }

    public boolean first() {
      return previous == null;
    }
  }

  private final boolean keepValues;
  private final Map<String, CachedSecret> entries = new ConcurrentHashMap<>();

  /** @param keepValues {@code agent.cache}: when false only hashes are kept, never the values. */
  public SecretCache(boolean keepValues) {
    this.keepValues = keepValues;
  }

  public Update put(String name, String provider, SecretPayload payload, Instant fetchedAt) {
    String hash = payload.sha256();
    CachedSecret[] before = new CachedSecret[1];
    CachedSecret now =
        entries.compute(
            name,
            (k, old) -> {
              before[0] = old;
              long version = old == null ? 1 : old.sha256().equals(hash) ? old.version() : old.version() + 1;
              return new CachedSecret(name, provider, keepValues ? heldOnce(old, payload, hash) : null, hash, version, fetchedAt);
            });
    return new Update(before[0], now);
  }

  /**
   * The payload to keep: the one already held when the new fetch carries the same content and
   * metadata, so an unchanged poll leaves nothing new behind (the fresh copy dies young instead of
   * replacing a long-lived one); each payload is held once, by the cache.
   */
  private static SecretPayload heldOnce(CachedSecret old, SecretPayload payload, String hash) {
    if (old != null && old.payload() != null && old.sha256().equals(hash)
        && old.payload().changeToken().equals(payload.changeToken()) && old.payload().lease().equals(payload.lease())
        && old.payload().equals(payload)) {
      return old.payload();
    }
    return payload;
  }

  /**
   * Marks the held entry as confirmed current at {@code at} (a change check found the same version)
   * without reading the payload again; empty when nothing is held.
   */
  public Optional<Update> touch(String name, Instant at) {
    CachedSecret[] before = new CachedSecret[1];
    CachedSecret now = entries.computeIfPresent(name, (k, old) -> {
      before[0] = old;
      return new CachedSecret(old.name(), old.provider(), old.payload(), old.sha256(), old.version(), at);
    });
    return now == null ? Optional.empty() : Optional.of(new Update(before[0], now));
  }

  public Optional<CachedSecret> get(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** Unique secrets whose values are held in memory (the {@code dso_active_secrets} gauge). */
  public int activeCount() {
    if (!keepValues) {
      return 0;
    }
    return entries.size();
  }

  public List<CachedSecret> snapshot() {
    return entries.values().stream().sorted(java.util.Comparator.comparing(CachedSecret::name)).toList();
  }

  /** Forgets one secret (it no longer exists in its provider); returns what was held. */
  public Optional<CachedSecret> remove(String name) {
    return Optional.ofNullable(entries.remove(name));
  }

  /** Drops everything and returns what was dropped, for the {@code secret_purge} audit records. */
  public List<CachedSecret> purge() {
    List<CachedSecret> dropped = snapshot();
    dropped.forEach(s -> entries.remove(s.name(), s));
    return dropped;
  }
}
