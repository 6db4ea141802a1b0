package io.dso.provider.aws;

import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretNotFoundException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Turns AWS SDK failures into the agent's outcomes. Only error codes, HTTP status, request ids and
 * the service's own short message are kept: AWS error messages name resources and callers, never
 * secret values; credentials never appear in any of them.
 */
final class AwsErrors {
  private static final Set<String> THROTTLED = Set.of(
      "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "ProvisionedThroughputExceededException");
  private static final Set<String> CREDENTIALS_REJECTED = Set.of(
      "UnrecognizedClientException", "InvalidSignatureException", "InvalidClientTokenId", "SignatureDoesNotMatch",
      "IncompleteSignature", "MissingAuthenticationToken");
  private static final int MAX_MESSAGE = 240;

  private final String provider;
  private final String region;
  private final String roleArn;

  AwsErrors(String provider, String region, String roleArn) {
    this.provider = provider;
    this.region = region;
    this.roleArn = roleArn;
  }

  /**
   * The outcome for a failed call.
   *
   * @param action the IAM action the call needs, e.g. {@code secretsmanager:GetSecretValue}
   */
  ProviderException map(SdkException e, String secret, String action) {
    StsException sts = find(e, StsException.class);
    if (sts != null) {
      return fromSts(sts, secret);
    }
    if (e instanceof AwsServiceException s) {
      return fromService(s, secret, action);
    }
    return fromClient(e, secret);
  }

  /** One entry of a batch read's {@code Errors} list. */
  ProviderException batchEntry(String secret, String code, String message) {
    return fromCode(secret, code, 400, null, message, "secretsmanager:GetSecretValue");
  }

  private ProviderException fromService(AwsServiceException s, String secret, String action) {
    String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
    String message = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
    return fromCode(secret, code, s.statusCode(), s.requestId(), message, action);
  }

  private ProviderException fromCode(String secret, String code, int status, String requestId, String message, String action) {
    String detail = (code == null ? "HTTP " + status : code + " (HTTP " + status + ")")
        + (requestId == null ? "" : ", request id " + requestId)
        + (message == null || message.isBlank() ? "" : ": " + shorten(message));
    if ("ResourceNotFoundException".equals(code)) {
      return new SecretNotFoundException(provider, secret, "AWS Secrets Manager in " + region + " answered " + detail);
    }
    if ("AccessDeniedException".equals(code)) {
      return new SecretAccessDeniedException(provider, secret,
          "grant the agent's IAM identity " + action + " on this secret"
              + (action.endsWith("GetSecretValue") ? ", and kms:Decrypt on its KMS key when it uses a customer managed key" : "")
              + " (" + detail + ")");
    }
    if ("DecryptionFailure".equals(code)) {
      return new SecretAccessDeniedException(provider, secret,
          "Secrets Manager could not decrypt it: grant kms:Decrypt on the secret's KMS key and check the key is enabled (" + detail + ")");
    }
    if (code != null && CREDENTIALS_REJECTED.contains(code)) {
      return new ProviderException(provider, secret, false,
          "AWS rejected the agent's credentials for secret '" + secret + "': " + detail
              + "; check the access key, its region and the clock");
    }
    boolean retry = status == 429 || status >= 500 || (code != null && (THROTTLED.contains(code)
        || code.equals("InternalServiceError") || code.equals("ServiceUnavailable") || code.equals("ExpiredTokenException")));
    return new ProviderException(provider, secret, retry,
        "AWS Secrets Manager failed for secret '" + secret + "' in " + region + ": " + detail
            + (retry ? "" : "; check the secret's state and the provider config"));
  }

  private ProviderException fromSts(StsException s, String secret) {
    String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
    String detail = (code == null ? "HTTP " + s.statusCode() : code + " (HTTP " + s.statusCode() + ")")
        + (s.requestId() == null ? "" : ", request id " + s.requestId());
    if ("AccessDenied".equals(code) || "AccessDeniedException".equals(code)) {
      return new SecretAccessDeniedException(provider, secret,
          "the agent may not assume role " + roleArn + ": grant sts:AssumeRole on it and check the role's trust policy ("
              + detail + ")");
    }
    boolean retry = s.statusCode() == 429 || s.statusCode() >= 500 || (code != null && THROTTLED.contains(code));
    return new ProviderException(provider, secret, retry,
        "assuming role " + roleArn + " failed for secret '" + secret + "': " + detail);
  }

  private ProviderException fromClient(SdkException e, String secret) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    boolean io = find(e, java.io.IOException.class) != null;
    if (m.contains("Unable to load credentials") || (!io && m.toLowerCase(java.util.Locale.ROOT).contains("credentials"))) {
      return new ProviderException(provider, secret, false,
          "no AWS credentials found for provider '" + provider + "': set access_key_id/secret_access_key, AWS_ACCESS_KEY_ID/"
              + "AWS_SECRET_ACCESS_KEY, a profile that exists in ~/.aws/credentials, web identity (AWS_WEB_IDENTITY_TOKEN_FILE), "
              + "or run with an ECS/EC2 role");
    }
    if (m.contains("Unable to load region")) {
      return new ProviderException(provider, secret, false,
          "no AWS region for provider '" + provider + "': set 'region' or AWS_REGION");
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    // The transport's exception type says enough (timeout, refused); its text may hold a URL only.
    return new ProviderException(provider, secret, e instanceof SdkClientException,
        "cannot reach AWS Secrets Manager for secret '" + secret + "' in " + region + ": " + root.getClass().getSimpleName()
            + "; check the network path to the endpoint and the timeouts");
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String shorten(String s) {
    String oneLine = s.replaceAll("[\\r\\n\\t]+", " ").strip();
    return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "...";
  }
}
