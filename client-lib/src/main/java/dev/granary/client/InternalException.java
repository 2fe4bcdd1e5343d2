package dev.granary.client;

/** An unexpected failure: a bug on one side of the protocol. */
public class InternalException extends GranaryException {
  private static final long serialVersionUID = 1L;

  public InternalException(String message) {
    super(message, null);
  }

  public InternalException(String message, Throwable cause) {
    super(message, cause);
  }
}
