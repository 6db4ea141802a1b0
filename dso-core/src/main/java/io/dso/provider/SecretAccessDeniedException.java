package io.dso.provider;

/**
 * The provider answered and refused access to the secret (HTTP 403, an IAM AccessDenied): its own
 * outcome, never retried; the message says which permission or policy to check.
 */
public final class SecretAccessDeniedException extends ProviderException {
  private static final long serialVersionUID = 1L;

  public SecretAccessDeniedException(String provider, String secret, String whatToCheck) {
    super(provider, secret, false,
        "access to secret '" + secret + "' denied by provider '" + provider + "'; " + whatToCheck);
  }
}
