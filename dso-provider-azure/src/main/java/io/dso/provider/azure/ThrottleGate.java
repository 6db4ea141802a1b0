package io.dso.provider.azure;

import io.dso.provider.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Honours Key Vault's {@code Retry-After}: after a 429 or 503 that names a wait, no request of this
 * provider is sent before the vault said it would accept one, whatever the agent's own backoff is.
 */
final class ThrottleGate {
  private final Clock clock;
  private final Duration maxWait;
  private Instant notBefore = Instant.EPOCH;

  ThrottleGate(Clock clock, Duration maxWait) {
    this.clock = clock;
    this.maxWait = maxWait;
  }

  /** Records that the vault asked to wait {@code wait} before the next request. */
  synchronized void backOff(Duration wait) {
    Instant until = clock.instant().plus(wait);
    if (until.isAfter(notBefore)) {
      notBefore = until;
    }
  }

  /** Waits until the vault accepts requests again; a wait longer than the cap fails as retryable instead. */
  void awaitTurn(String provider, String secret) {
    Duration wait;
    synchronized (this) {
      wait = Duration.between(clock.instant(), notBefore);
    }
    if (wait.isNegative() || wait.isZero()) {
      return;
    }
    if (wait.compareTo(maxWait) > 0) {
      throw new ProviderException(provider, secret, true,
          "Azure Key Vault asked provider '" + provider + "' to wait " + wait.toSeconds()
              + " s (Retry-After) before the next request; the agent retries later");
    }
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(provider, secret, true,
          "interrupted while waiting for Azure Key Vault's Retry-After for secret '" + secret + "'", e);
    }
  }
}
