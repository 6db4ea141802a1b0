package io.dso.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the unix socket may do with values: read one (audited with the caller), refresh now, and
 * drop from the cache. Only the socket handler sees this view; the TCP API never does.
 */
public interface SecretAccess {
  /** A secret's value as served to an authorised peer; {@code version} is the HMAC version prefix. */
  record Value(String secret, String version, String provider, Instant fetchedAt, Map<String, String> data) {
    public Value {
      data = Map.copyOf(data);
    }

    @Override
    public String toString() {
      // never the data: a record's default toString would print every value
      return "Value[" + secret + ", version " + version + "]";
    }
  }

  /** The outcome of refreshing one secret now. */
  record SyncResult(String secret, boolean changed, String version, String error) {}

  /** The outcome of dropping one secret from the cache. */
  record PurgeResult(String secret, boolean purged) {}

  /**
   * The value of {@code secret} (from the cache while fresh, else fetched), audited as
   * {@code secret_fetch} by {@code user}.
   *
   * @throws ApiException 404 for a name the config does not have, 503 when no value is available
   */
  Value fetch(String secret, String user);

  /**
   * Refreshes {@code secret} now, or every configured secret when it is null, through the agent's
   * single-flight refresh (a change rotates its containers as a polled one would).
   *
   * @throws ApiException 404 for a name the config does not have
   */
  List<SyncResult> sync(String secret, String user);

  /** Drops the named secrets from the cache, audited as {@code secret_purge} by {@code user}. */
  List<PurgeResult> purge(List<String> secrets, String user);
}
