package dev.granary.master.namespace;

import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;

/**
 * A metadata operation was refused: carries the wire {@link Status} and the one-line message that
 * the client receives in its {@code ERROR} reply (naming the path and the problem).
 */
public final class MetadataException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Status status;

  public MetadataException(Status status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public Status status() {
    return status;
  }

  /** The reply a client receives for this failure. */
  public ErrorReply toReply() {
    return new ErrorReply(status, getMessage(), "");
  }
}
