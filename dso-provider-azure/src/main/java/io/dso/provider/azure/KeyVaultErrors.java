package io.dso.provider.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.identity.CredentialUnavailableException;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps SDK failures onto the agent's outcomes. SDK messages are never copied whole: only the status,
 * the Key Vault error code (an identifier) and what to check.
 */
final class KeyVaultErrors {
  private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.]{1,64})\"");
  static final String PERMISSION_HINT =
      "the identity needs the 'get' permission on secrets in the vault's access policy, or the "
          + "'Key Vault Secrets User' role on the vault (or the secret) when the vault uses Azure RBAC";

  private KeyVaultErrors() {}

  static ProviderException map(
      RuntimeException e, String provider, String secret, String vaultUrl, ThrottleGate gate) {
    if (e instanceof HttpResponseException h && h.getResponse() != null
        && !(e instanceof ClientAuthenticationException && h.getResponse().getRequest() != null
            && !h.getResponse().getRequest().getUrl().toString().startsWith(vaultUrl))) {
      return fromStatus(h, provider, secret, vaultUrl, gate);
    }
    // The sync token path wraps the credential's failure; look through the causes.
    if (hasCause(e, ClientAuthenticationException.class) || hasCause(e, CredentialUnavailableException.class)
        || fromMsal(e)) {
      return new ProviderException(provider, secret, false,
          "provider '" + provider + "' could not get a Microsoft Entra ID token (" + rootName(e)
              + "); check tenant_id, client_id and the client secret, or the managed/workload identity "
              + "assigned to this host");
    }
    if (hasCause(e, IOException.class) || hasCause(e, TimeoutException.class)) {
      return new ProviderException(provider, secret, true,
          "provider '" + provider + "' could not reach " + vaultUrl + " (" + rootName(e)
              + "); check the network, vault_url and the timeouts");
    }
    return new ProviderException(provider, secret, false,
        "provider '" + provider + "' failed reading secret '" + secret + "' (" + chain(e) + ")");
  }

  /** Exception class names along the cause chain: safe to show, unlike SDK messages. */
  static String chain(Throwable e) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < 6; t = t.getCause()) {
      out.append(out.isEmpty() ? "" : " <- ").append(t.getClass().getSimpleName());
    }
    return out.toString();
  }

  private static ProviderException fromStatus(
      HttpResponseException h, String provider, String secret, String vaultUrl, ThrottleGate gate) {
    HttpResponse r = h.getResponse();
    int status = r.getStatusCode();
    String code = errorCode(h.getMessage()).map(c -> " " + c).orElse("");
    if (status == 404) {
      return new SecretNotFoundException(provider, secret, "Azure Key Vault " + vaultUrl + " answered 404" + code);
    }
    if (status == 403) {
      return new SecretAccessDeniedException(provider, secret,
          "Azure Key Vault " + vaultUrl + " answered 403" + code + ": " + PERMISSION_HINT
              + ("ForbiddenByFirewall".equals(code.strip()) ? "; the vault's firewall also blocks this host" : ""));
    }
    if (status == 401) {
      return new ProviderException(provider, secret, false,
          "Azure Key Vault " + vaultUrl + " rejected the access token (401" + code
              + "); check that tenant_id is the vault's tenant and that the identity is enabled");
    }
    if (status == 429 || status == 408 || status >= 500) {
      Optional<Duration> after = retryAfter(r);
      after.ifPresent(gate::backOff);
      return new ProviderException(provider, secret, true,
          "Azure Key Vault " + vaultUrl + " answered " + status + code
              + after.map(d -> "; it asked to retry after " + d.toMillis() + " ms").orElse(""));
    }
    return new ProviderException(provider, secret, false,
        "Azure Key Vault " + vaultUrl + " answered " + status + code + " for secret '" + secret
            + "'; check the secret name and version");
  }

  /** Azure sends {@code retry-after-ms}, {@code x-ms-retry-after-ms} or the standard {@code Retry-After}. */
  static Optional<Duration> retryAfter(HttpResponse r) {
    for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
      String ms = r.getHeaderValue(HttpHeaderName.fromString(name));
      if (ms != null && ms.strip().matches("\\d{1,9}")) {
        return Optional.of(Duration.ofMillis(Long.parseLong(ms.strip())));
      }
    }
    String v = r.getHeaderValue(HttpHeaderName.RETRY_AFTER);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    if (v.strip().matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
    }
    try {
      Duration d = Duration.between(java.time.Instant.now(), ZonedDateTime.parse(v.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static Optional<String> errorCode(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher m = ERROR_CODE.matcher(message);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The Entra ID library's own failures (a rejected client secret, an unknown tenant). */
  private static boolean fromMsal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getName().startsWith("com.microsoft.aad.msal4j.")) {
        return true;
      }
    }
    return false;
  }

  private static String rootName(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName();
  }
}
