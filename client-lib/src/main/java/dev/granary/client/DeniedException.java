package dev.granary.client;

/** Permission or authentication denied. */
public class DeniedException extends GranaryException {
  private static final long serialVersionUID = 1L;

  public DeniedException(String message) {
    super(message, null);
  }

  public DeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
