package io.dso.provider.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dso.provider.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token obtained by logging in (AppRole or JWT). It is renewed with {@code renew-self} once two
 * thirds of its TTL have passed, lazily before the next request; when renewal fails, the token has
 * expired, or Vault refuses it, the session logs in again.
 */
final class LoginSession implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(LoginSession.class);

  /** Builds the login request body; re-run at every login so that rotated credential files are read. */
  interface Credentials {
    ObjectNode body(String secret);
  }

  private final String provider;
  private final VaultHttp http;
  private final String loginPath;
  private final String what;
  private final Credentials credentials;
  private final Clock clock;
  private String token;
  private boolean renewable;
  private Instant renewAt;
  private Instant expiresAt;

  LoginSession(String provider, VaultHttp http, String authPath, String what, Credentials credentials, Clock clock) {
    this.provider = provider;
    this.http = http;
    this.loginPath = "auth/" + authPath + "/login";
    this.what = what;
    this.credentials = credentials;
    this.clock = clock;
  }

  static LoginSession approle(String provider, VaultHttp http, VaultSettings s, Clock clock) {
    return new LoginSession(provider, http, s.authPath(), "AppRole", secret -> {
      ObjectNode body = VaultHttp.JSON.createObjectNode().put("role_id", s.roleId());
      body.put("secret_id", s.secretId() != null ? s.secretId() : readFile(provider, secret, s.secretIdFile(), "secret_id_file"));
      return body;
    }, clock);
  }

  static LoginSession jwt(String provider, VaultHttp http, VaultSettings s, Clock clock) {
    return new LoginSession(provider, http, s.authPath(), "JWT", secret -> VaultHttp.JSON.createObjectNode()
        .put("role", s.role())
        .put("jwt", readFile(provider, secret, s.jwtFile(), "jwt_file")), clock);
  }

  @Override
  public synchronized String current(String secret) {
    Instant now = clock.instant();
    if (token == null || (expiresAt != null && !now.isBefore(expiresAt))) {
      login(secret);
    } else if (renewAt != null && !now.isBefore(renewAt)) {
      renewOrLogin(secret);
    }
    return token;
  }

  @Override
  public synchronized boolean refreshAfterDenied(String used, String secret) {
    if (used.equals(token)) {
      LOG.info("provider '{}': Vault refused the {} token (revoked?); logging in again", provider, what);
      login(secret);
    }
    return true;
  }

  private void renewOrLogin(String secret) {
    if (renewable) {
      VaultHttp.Response r = http.send("POST", "auth/token/renew-self", token, VaultHttp.JSON.createObjectNode(), secret);
      if (r.ok() && r.body().path("auth").path("client_token").isTextual()) {
        accept(r.body().path("auth"));
        return;
      }
      LOG.info("provider '{}': renewing the {} token failed (HTTP {}); logging in again", provider, what, r.status());
    }
    login(secret);
  }

  private void login(String secret) {
    VaultHttp.Response r = http.send("POST", loginPath, null, credentials.body(secret), secret);
    if (!r.ok() || !r.body().path("auth").path("client_token").isTextual()) {
      boolean retryable = r.status() == 429 || r.status() >= 500;
      throw new ProviderException(provider, secret, retryable,
          what + " login at " + http.address() + "/v1/" + loginPath + " failed (HTTP " + r.status()
              + (r.errors().isEmpty() ? "" : ": " + r.errors()) + "); "
              + (retryable ? "Vault may be sealed or overloaded" : "check the role and credentials of provider '" + provider + "' and 'auth_path'"));
    }
    accept(r.body().path("auth"));
  }

  private void accept(JsonNode auth) {
    token = auth.path("client_token").asText();
    renewable = auth.path("renewable").asBoolean(false);
    long ttl = auth.path("lease_duration").asLong(0);
    Instant now = clock.instant();
    if (ttl > 0) {
      expiresAt = now.plusSeconds(ttl);
      renewAt = now.plus(Duration.ofMillis(ttl * 1000 * 2 / 3));
    } else {
      expiresAt = null; // a root-like token without TTL
      renewAt = null;
    }
  }

  private static String readFile(String provider, String secret, Path file, String key) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ProviderException(provider, secret, false,
          "cannot read " + key + " " + file + " (" + e.getClass().getSimpleName() + "); check the path and its permissions", e);
    }
  }
}
