package dev.granary.wire.net;

import java.io.IOException;

/** The connection closed (or failed) before the answer to a request arrived. */
public final class ConnectionClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(String message) {
    super(message);
  }

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
