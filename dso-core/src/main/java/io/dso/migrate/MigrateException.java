package io.dso.migrate;

/** A migration that cannot go on: the message says what failed, where, and what to do. */
public final class MigrateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit code the CLI gives for it: 1 failure, 2 usage error. */
  private final int exitCode;

  public MigrateException(String message) {
    this(message, 1);
  }

  public MigrateException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
