package dev.granary.client;

/** No replica of some chunk passes its checksums. */
public class IntegrityException extends GranaryException {
  private static final long serialVersionUID = 1L;

  public IntegrityException(String message) {
    super(message, null);
  }

  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
