package io.dso.cache;

import io.dso.provider.SecretPayload;
import java.time.Duration;
import java.time.Instant;

/**
 * One secret as the agent holds it: the payload (null when {@code agent.cache} is off, then only
 * the hash is kept for change detection), its SHA-256, a version that grows on each change, and
 * when it was last fetched successfully.
 */
public record CachedSecret(
    String name, String provider, SecretPayload payload, String sha256, long version, Instant fetchedAt) {

  public boolean freshAt(Instant now, Duration ttl) {
    return payload != null && now.isBefore(fetchedAt.plus(ttl));
  }

  /** The first 12 hex digits: enough to tell versions apart, too little to brute-force. */
  public String hashPrefix() {
    return sha256.substring(0, 12);
  }
}
