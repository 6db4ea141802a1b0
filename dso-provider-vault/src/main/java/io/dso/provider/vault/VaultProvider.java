package io.dso.provider.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.provider.Lease;
import io.dso.provider.PayloadJson;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one Vault mount: KV v2 ({@code <mount>/data/<path>}, change check on
 * {@code <mount>/metadata/<path>}), KV v1 ({@code <mount>/<path>}) or a dynamic engine
 * ({@code <mount>/creds/<role>}, a new leased credential per read, revoked on retirement).
 */
final class VaultProvider implements SecretProvider {
  private static final Logger LOG = LoggerFactory.getLogger(VaultProvider.class);

  private final String name;
  private final VaultSettings settings;
  private final VaultHttp http;
  private final TokenSource tokens;
  private final Clock clock;
  private volatile int kvVersion;
  // The last lease issued per dynamic secret: its id is the change token until a successor is due.
  private final Map<String, Lease> issued = new ConcurrentHashMap<>();

  VaultProvider(String name, VaultSettings settings, VaultHttp http, TokenSource tokens, Clock clock) {
    this.name = name;
    this.settings = settings;
    this.http = http;
    this.tokens = tokens;
    this.clock = clock;
    this.kvVersion = settings.kvVersion();
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    SecretName n = SecretName.parse(name, ref.name());
    if (settings.engine() == VaultSettings.Engine.DYNAMIC) {
      return dynamic(ref.name(), n);
    }
    if (kvVersion(ref.name()) == 1) {
      if (n.version() != null) {
        throw new ProviderException(name, ref.name(), false,
            "secret '" + ref.name() + "': mount '" + settings.mount() + "' is KV v1, which has no versions; drop ?version=");
      }
      String path = settings.mount() + "/" + n.urlPath();
      VaultHttp.Response r = call("GET", path, ref.name());
      if (!r.ok()) {
        throw failure(r, ref.name(), path, "read");
      }
      return PayloadJson.toPayload(r.body().path("data"), name, ref.name());
    }
    String path = settings.mount() + "/data/" + n.urlPath();
    VaultHttp.Response r = call("GET", n.version() == null ? path : path + "?version=" + n.version(), ref.name());
    JsonNode data = r.body().path("data");
    if (r.status() == 404 && data.path("metadata").has("version")) {
      throw new SecretNotFoundException(name, ref.name(), "version " + data.path("metadata").path("version").asText()
          + " of " + settings.mount() + "/" + n.path() + " is deleted or destroyed; pin another version or undelete it");
    }
    if (!r.ok()) {
      throw failure(r, ref.name(), path, "read");
    }
    if (data.path("data").isNull() || data.path("data").isMissingNode()) {
      throw new SecretNotFoundException(name, ref.name(), "the requested version of " + settings.mount() + "/" + n.path() + " holds no data (deleted)");
    }
    SecretPayload payload = PayloadJson.toPayload(data.path("data"), name, ref.name());
    String version = data.path("metadata").path("version").asText("");
    return version.isEmpty() ? payload : payload.withChangeToken(version);
  }

  @Override
  public Optional<String> changeToken(SecretRef ref) {
    SecretName n = SecretName.parse(name, ref.name());
    if (settings.engine() == VaultSettings.Engine.DYNAMIC) {
      Lease lease = issued.get(ref.name());
      if (lease == null) {
        return Optional.empty();
      }
      // Before the refresh point the held credential stands; after it, a token that differs from the
      // held one makes the agent fetch (and roll out) a successor.
      return Optional.of(clock.instant().isBefore(lease.refreshAt()) ? lease.id() : "successor-due:" + lease.id());
    }
    if (n.version() != null) {
      return Optional.of(String.valueOf(n.version()));
    }
    if (kvVersion(ref.name()) == 1) {
      return Optional.empty();
    }
    String path = settings.mount() + "/metadata/" + n.urlPath();
    VaultHttp.Response r = call("GET", path, ref.name());
    if (!r.ok()) {
      throw failure(r, ref.name(), path, "read");
    }
    JsonNode current = r.body().path("data").path("current_version");
    return current.canConvertToLong() ? Optional.of(current.asText()) : Optional.empty();
  }

  @Override
  public void retire(SecretRef ref, SecretPayload payload) {
    Optional<Lease> lease = payload.lease();
    if (lease.isEmpty()) {
      return;
    }
    String id = lease.get().id();
    issued.remove(ref.name(), lease.get());
    try {
      VaultHttp.Response r = call("PUT", "sys/leases/revoke", VaultHttp.JSON.createObjectNode().put("lease_id", id), ref.name());
      if (r.ok()) {
        LOG.info("provider '{}': revoked the lease of a retired credential of '{}'", name, ref.name());
      } else {
        LOG.warn("provider '{}': revoking the lease of '{}' failed (HTTP {}{}); it expires at {} on its own; "
                + "the token's policy needs update on sys/leases/revoke",
            name, ref.name(), r.status(), r.errors().isEmpty() ? "" : ": " + r.errors(), lease.get().expiresAt());
      }
    } catch (ProviderException e) {
      LOG.warn("provider '{}': revoking the lease of '{}' failed: {}", name, ref.name(), e.getMessage());
    }
  }

  @Override
  public void close() {
    http.close();
  }

  private SecretPayload dynamic(String secret, SecretName n) {
    String path = settings.mount() + "/creds/" + n.urlPath();
    VaultHttp.Response r = call("GET", path, secret);
    if (!r.ok()) {
      throw failure(r, secret, path, "read");
    }
    JsonNode body = r.body();
    SecretPayload payload = PayloadJson.toPayload(body.path("data"), name, secret);
    String leaseId = body.path("lease_id").asText("");
    long seconds = body.path("lease_duration").asLong(0);
    if (leaseId.isEmpty() || seconds <= 0) {
      return payload;
    }
    Instant now = clock.instant();
    Lease lease = new Lease(leaseId, now, now.plusSeconds(seconds), body.path("renewable").asBoolean(false));
    issued.put(secret, lease);
    return payload.withLease(lease).withChangeToken(leaseId);
  }

  private int kvVersion(String secret) {
    int v = kvVersion;
    if (v != 0) {
      return v;
    }
    String path = "sys/internal/ui/mounts/" + settings.mount();
    VaultHttp.Response r = call("GET", path, secret);
    if (r.ok()) {
      v = "1".equals(r.body().path("data").path("options").path("version").asText("1")) ? 1 : 2;
    } else if (r.status() == 403 || r.status() == 404) {
      LOG.warn("provider '{}': cannot detect the KV version of mount '{}' (HTTP {}); assuming 2; set kv_version to be explicit",
          name, settings.mount(), r.status());
      v = 2;
    } else {
      throw failure(r, secret, path, "read");
    }
    kvVersion = v;
    return v;
  }

  /** One request; a 403 gets one fresh token (re-login, re-read file) and one retry, never more. */
  private VaultHttp.Response call(String method, String path, String secret) {
    return call(method, path, null, secret);
  }

  private VaultHttp.Response call(String method, String path, JsonNode body, String secret) {
    String token = tokens.current(secret);
    VaultHttp.Response r = http.send(method, path, token, body, secret);
    if (r.status() == 403 && tokens.refreshAfterDenied(token, secret)) {
      r = http.send(method, path, tokens.current(secret), body, secret);
    }
    return r;
  }

  private ProviderException failure(VaultHttp.Response r, String secret, String path, String capability) {
    String where = settings.namespace() == null ? "" : " in namespace '" + settings.namespace() + "'";
    String vaultSays = r.errors().isEmpty() ? "" : " (Vault: " + r.errors() + ")";
    return switch (r.status()) {
      case 404 -> new SecretNotFoundException(name, secret, "no secret at " + path + where + " of Vault " + http.address()
          + "; check the name and 'mount' (" + settings.mount() + ")");
      case 403 -> new SecretAccessDeniedException(name, secret, "the token's policy needs path \"" + policyPath(path)
          + "\" { capabilities = [\"" + capability + "\"] }" + where + vaultSays);
      case 503 -> new ProviderException(name, secret, true, r.errors().toLowerCase(java.util.Locale.ROOT).contains("sealed")
          ? "Vault at " + http.address() + " is sealed; unseal it (vault operator unseal) and the agent retries"
          : "Vault at " + http.address() + " is unavailable (HTTP 503)" + vaultSays + "; the agent retries");
      case 429 -> new ProviderException(name, secret, true, "Vault at " + http.address() + " is rate limiting (HTTP 429)" + vaultSays);
      default -> new ProviderException(name, secret, r.status() >= 500 || r.status() == 412,
          "Vault answered HTTP " + r.status() + " to " + path + where + vaultSays);
    };
  }

  private static String policyPath(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }
}
