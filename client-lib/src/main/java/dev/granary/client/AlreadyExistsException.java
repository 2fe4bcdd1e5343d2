package dev.granary.client;

/** A remote or local path exists and the operation would not replace it. */
public class AlreadyExistsException extends GranaryException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    super(message, null);
  }

  public AlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}
