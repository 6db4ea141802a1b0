package io.dso.provider;

import io.dso.DsoException;
import java.time.Duration;
import java.util.Optional;

/**
 * A fetch that failed, naming the provider and secret. {@code retryable} says whether trying again
 * may help (timeouts, 5xx, connection errors) or not (bad credentials, malformed payload).
 * {@code retryAfter} is the backend's own hint (an HTTP {@code Retry-After}): the next attempt waits
 * at least that long.
 */
public class ProviderException extends DsoException {
  private static final long serialVersionUID = 1L;

  private final String provider;
  private final String secret;
  private final boolean retryable;
  private final Duration retryAfter;

  public ProviderException(String provider, String secret, boolean retryable, String message) {
    this(provider, secret, retryable, message, null);
  }

  public ProviderException(
      String provider, String secret, boolean retryable, String message, Throwable cause) {
    this(provider, secret, retryable, message, cause, null);
  }

  /** A failure whose backend asked to wait {@code retryAfter} (null for no hint) before trying again. */
  public ProviderException(
      String provider, String secret, boolean retryable, String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.provider = provider;
    this.secret = secret;
    this.retryable = retryable;
    this.retryAfter = retryAfter == null || retryAfter.isNegative() ? null : retryAfter;
  }

  /** The backend's requested wait before the next attempt, if it sent one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
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
