package dev.granary.client;

/** A remote or local path does not exist. */
public class NotFoundException extends GranaryException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message, null);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
