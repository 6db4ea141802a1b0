package io.dso.provider.huawei;

import com.huaweicloud.sdk.core.exception.CallTimeoutException;
import com.huaweicloud.sdk.core.exception.ConnectionException;
import com.huaweicloud.sdk.core.exception.RequestTimeoutException;
import com.huaweicloud.sdk.core.exception.SdkException;
import com.huaweicloud.sdk.core.exception.ServiceResponseException;
import com.huaweicloud.sdk.core.exception.SslHandShakeException;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import java.util.Set;

/**
 * Turns CSMS and SDK failures into the agent's outcomes. Messages name the status, the CSMS error
 * code and what to check; they never carry the AK/SK, the signature or the SDK's own exception text
 * (which may echo request details).
 */
final class CsmsErrors {
  /** Error codes CSMS answers (with HTTP 400 or 404) for a secret or version that does not exist. */
  static final Set<String> NOT_FOUND = Set.of("CSMS.0005", "CSMS.0106");
  /** Error codes for a secret that is scheduled for deletion and can no longer be read. */
  static final Set<String> PENDING_DELETION = Set.of("CSMS.0103", "CSMS.0107");

  private CsmsErrors() {}

  static ProviderException map(String provider, String ref, SecretAddress address, HuaweiSettings settings,
      String permission, SdkException e) {
    if (e instanceof ServiceResponseException s) {
      return fromResponse(provider, ref, address, settings, permission, s);
    }
    if (e instanceof SslHandShakeException) {
      return new ProviderException(provider, ref, false,
          "TLS handshake with CSMS endpoint " + where(settings) + " failed; check the endpoint's certificate and the agent's trust store");
    }
    if (e instanceof ConnectionException || e instanceof RequestTimeoutException || e instanceof CallTimeoutException) {
      // Network trouble is worth another try; the agent's retry policy decides how often.
      return new ProviderException(provider, ref, true,
          "cannot reach CSMS at " + where(settings) + " (" + e.getClass().getSimpleName() + "); check the endpoint, DNS and proxy");
    }
    return new ProviderException(provider, ref, false,
        "CSMS request for secret '" + address.name() + "' failed in the SDK (" + e.getClass().getSimpleName() + ")");
  }

  private static ProviderException fromResponse(String provider, String ref, SecretAddress address,
      HuaweiSettings settings, String permission, ServiceResponseException s) {
    int status = s.getHttpStatusCode();
    String code = s.getErrorCode() == null ? "" : s.getErrorCode();
    String tag = "HTTP " + status + (code.isEmpty() ? "" : " " + code);
    if (status == 404 || NOT_FOUND.contains(code)) {
      return new SecretNotFoundException(provider, ref,
          "CSMS " + tag + ": no secret '" + address.name() + "' with " + address.describe() + " in project "
              + settings.projectId() + " at " + where(settings));
    }
    if (PENDING_DELETION.contains(code)) {
      return new ProviderException(provider, ref, false,
          "secret '" + address.name() + "' is scheduled for deletion in CSMS (" + tag + "); cancel the deletion or point dso.yaml at another secret");
    }
    if (status == 403) {
      return new SecretAccessDeniedException(provider, ref,
          "CSMS " + tag + ": grant the IAM user or agency of this AK/SK the action '" + permission
              + "' on secret '" + address.name() + "' in project " + settings.projectId()
              + " (for example the system policy CSMS ReadOnlyAccess); if the secret is encrypted with a custom KMS key, also kms:cmk:decrypt");
    }
    if (status == 401) {
      return new ProviderException(provider, ref, false,
          "CSMS rejected the request signature (" + tag + "); check the AK/SK (" + HuaweiSettings.ENV_AK + "/"
              + HuaweiSettings.ENV_SK + " or 'access_key'/'secret_key'), the security token of temporary keys, and the host clock");
    }
    if (status == 429 || status >= 500) {
      return new ProviderException(provider, ref, true,
          "CSMS answered " + tag + (status == 429 ? " (throttled)" : " (server error)") + " for secret '" + address.name() + "'");
    }
    return new ProviderException(provider, ref, false,
        "CSMS refused the request for secret '" + address.name() + "' (" + tag + "); check the secret name and the version/stage");
  }

  private static String where(HuaweiSettings settings) {
    return settings.endpoint() != null ? settings.endpoint().toString() : "region " + settings.region();
  }
}
