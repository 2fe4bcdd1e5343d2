package dev.granary.client;

import java.io.IOException;

/**
 * An {@link IOException} thrown by the streams and channels of {@link GranaryClient} (whose methods
 * can only throw {@code IOException}) that carries the typed {@link GranaryException} behind it.
 */
public final class GranaryIOException extends IOException {
  private static final long serialVersionUID = 1L;

  public GranaryIOException(GranaryException cause) {
    super(cause.getMessage(), cause);
  }

  /** The typed failure. */
  public GranaryException granaryCause() {
    return (GranaryException) getCause();
  }
}
