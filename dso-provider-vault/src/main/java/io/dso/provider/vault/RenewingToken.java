package io.dso.provider.vault;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token given in the config or VAULT_TOKEN. Its TTL is looked up once ({@code lookup-self}); a
 * renewable token with a TTL is renewed ({@code renew-self}) once two thirds of it have passed, lazily
 * before the next request. There is no way to log in again, so a refused token stays refused.
 */
final class RenewingToken implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(RenewingToken.class);

  private final String provider;
  private final VaultHttp http;
  private final String token;
  private final Clock clock;
  private boolean looked;
  private Instant renewAt;

  RenewingToken(String provider, VaultHttp http, String token, Clock clock) {
    this.provider = provider;
    this.http = http;
    this.token = token;
    this.clock = clock;
  }

  @Override
  public synchronized String current(String secret) {
    if (!looked) {
      looked = true;
      VaultHttp.Response r = http.send("GET", "auth/token/lookup-self", token, null, secret);
      JsonNode data = r.body().path("data");
      if (r.ok() && data.path("renewable").asBoolean(false)) {
        schedule(data.path("ttl").asLong(0));
      }
    } else if (renewAt != null && !clock.instant().isBefore(renewAt)) {
      VaultHttp.Response r = http.send("POST", "auth/token/renew-self", token, VaultHttp.JSON.createObjectNode(), secret);
      if (r.ok()) {
        schedule(r.body().path("auth").path("lease_duration").asLong(0));
      } else {
        LOG.warn("provider '{}': renewing the configured Vault token failed (HTTP {}); it will stop working at the end of its TTL "
            + "unless it is replaced (token_file or auth: approle/jwt renew or log in again on their own)", provider, r.status());
        renewAt = null;
      }
    }
    return token;
  }

  private void schedule(long ttlSeconds) {
    renewAt = ttlSeconds > 0 ? clock.instant().plusMillis(ttlSeconds * 1000 * 2 / 3) : null;
  }

  @Override
  public boolean refreshAfterDenied(String used, String secret) {
    return false;
  }
}
