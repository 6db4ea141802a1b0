package io.dso.config;

import java.util.Objects;

/**
 * The {@code agent.audit:} section: which fetches are audit records. {@code CHANGES} (the default)
 * audits first fetches, changes, failures (once per outage, then the recovery) and every fetch made
 * for a person; {@code ALL} also audits every unchanged poll.
 */
public record AuditSettings(Fetches fetches) {
  /** Which fetches are written to the audit log. */
  public enum Fetches { CHANGES, ALL }

  public static final AuditSettings DEFAULT = new AuditSettings(Fetches.CHANGES);

  public AuditSettings {
    Objects.requireNonNull(fetches, "fetches");
  }
}
