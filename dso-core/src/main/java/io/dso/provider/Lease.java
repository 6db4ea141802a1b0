package io.dso.provider;

import java.time.Instant;
import java.util.Objects;

/**
 * The lifetime of a dynamic credential (a Vault database or cloud credential): it stops working at
 * {@code expiresAt}, so the agent fetches a successor and rotates containers to it before then. The
 * id is the backend's lease handle (needed to renew or revoke it); it is not a secret value, but it
 * is never put in metrics.
 */
public record Lease(String id, Instant issuedAt, Instant expiresAt, boolean renewable) {
  public Lease {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (expiresAt.isBefore(issuedAt)) {
      throw new IllegalArgumentException("a lease cannot expire before it is issued");
    }
  }

  /** When to fetch a successor: two thirds into the lease, so rotation finishes before expiry. */
  public Instant refreshAt() {
    long ms = expiresAt.toEpochMilli() - issuedAt.toEpochMilli();
    return issuedAt.plusMillis(ms * 2 / 3);
  }
}
