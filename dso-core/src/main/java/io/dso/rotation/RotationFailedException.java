package io.dso.rotation;

import io.dso.DsoException;

/** A rotation that failed at {@code step}; {@code rolledBack} says whether the old container serves again. */
public final class RotationFailedException extends DsoException {
  private static final long serialVersionUID = 1L;

  private final String container;
  private final String step;
  private final boolean rolledBack;
  private final boolean retryable;

  public RotationFailedException(String container, String step, boolean rolledBack, String reason, Throwable cause) {
    this(container, step, rolledBack, !(cause instanceof HealthGate.Failed), reason, cause);
  }

  /**
   * @param retryable false when the new version itself failed (health gate): trying the same version
   *     again would fail again; true for Docker errors that may pass
   */
  public RotationFailedException(
      String container, String step, boolean rolledBack, boolean retryable, String reason, Throwable cause) {
    super("rotation of container " + container + " failed at step '" + step + "': " + reason
        + (rolledBack ? "; rolled back, the previous container keeps serving" : "; ROLLBACK INCOMPLETE: check the container by hand"), cause);
    this.container = container;
    this.step = step;
    this.rolledBack = rolledBack;
    this.retryable = retryable;
  }

  /** Cut short because the agent stops, not because anything failed. */
  public boolean aborted() {
    return getCause() instanceof StopSignal.Aborted || getCause() instanceof InterruptedException;
  }

  public boolean retryable() {
    return retryable;
  }

  public String container() {
    return container;
  }

  public String step() {
    return step;
  }

  public boolean rolledBack() {
    return rolledBack;
  }

  /** The reason without the framing, for audit records. */
  public String reason() {
    String m = getMessage();
    int start = m.indexOf("': ") + 3;
    int end = m.lastIndexOf("; ");
    return end > start ? m.substring(start, end) : m;
  }
}
