package io.dso;

/**
 * Root of DSO's unchecked exception tree. Every message says what failed, where, and what to do;
 * none ever contains a secret value.
 */
public class DsoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DsoException(String message) {
    super(message);
  }

  public DsoException(String message, Throwable cause) {
    super(message, cause);
  }
}
