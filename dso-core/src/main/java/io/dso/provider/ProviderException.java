package io.dso.provider;

import io.dso.DsoException;

/**
 * A fetch that failed, naming the provider and secret. {@code retryable} says whether trying again
 * may help (timeouts, 5xx, connection errors) or not (bad credentials, malformed payload).
 */
public class ProviderException extends DsoException {
  private static final long serialVersionUID = 1L;

  private final String provider;
  private final String secret;
  private final boolean retryable;

  public ProviderException(String provider, String secret, boolean retryable, String message) {
    this(provider, secret, retryable, message, null);
  }

  public ProviderException(
      String provider, String secret, boolean retryable, String message, Throwable cause) {
    super(message, cause);
    this.provider = provider;
    this.secret = secret;
    this.retryable = retryable;
  }

  public String provider() {
    return provider;
  }

  public String secret() {
    return secret;
  }

  public boolean retryable() {
    return retryable;
  }
}
