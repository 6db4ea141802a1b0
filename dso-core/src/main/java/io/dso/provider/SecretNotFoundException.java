package io.dso.provider;

/** The provider answered, and it has no secret of that name: its own outcome, never retried. */
public final class SecretNotFoundException extends ProviderException {
  private static final long serialVersionUID = 1L;

  public SecretNotFoundException(String provider, String secret, String where) {
    super(
        provider,
        secret,
        false,
        "secret '"
            + secret
            + "' not found in provider '"
            + provider
            + "' ("
            + where
            + "); check the name in dso.yaml or create the secret");
  }
}
