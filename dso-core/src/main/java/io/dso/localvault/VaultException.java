package io.dso.localvault;

import io.dso.DsoException;

/**
 * The local vault could not be used: each {@link Reason} is its own one-line message naming the file
 * and what to do, so a damaged file is never mistaken for an empty vault or a wrong key.
 */
public final class VaultException extends DsoException {
  private static final long serialVersionUID = 1L;

  /** Why the vault could not be used. */
  public enum Reason {
    /** No vault file (run {@code dso init}). */
    MISSING,
    /** A vault already exists where {@code init} was asked to create one. */
    EXISTS,
    /** Neither {@code DSO_MASTER_KEY} nor a readable master key file. */
    NO_KEY,
    /** The file does not start with the vault marker. */
    NOT_A_VAULT,
    /** A format version this build does not read. */
    UNSUPPORTED_VERSION,
    /** Shorter than its header says. */
    TRUNCATED,
    /** A byte changed after it was written (header checksum or authentication tag). */
    TAMPERED,
    /** The master key is not the one the vault was written with. */
    WRONG_KEY,
    /** The file system refused access (owner or mode). */
    PERMISSION,
    /** Any other file system failure (disk full, ...). */
    IO
  }

  private final Reason reason;

  public VaultException(Reason reason, String message) {
    this(reason, message, null);
  }

  public VaultException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
