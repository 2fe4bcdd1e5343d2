package dev.granary.client;

/** The cluster cannot serve the request: master unreachable, too few live chunkservers, or transient failures persisted past the client timeout. */
public class UnavailableException extends GranaryException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message, null);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
