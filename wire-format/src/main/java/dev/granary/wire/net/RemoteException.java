package dev.granary.wire.net;

import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;

/** A peer answered a request with an {@code ERROR} frame. */
public final class RemoteException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Status status;
  private final String detail;

  public RemoteException(Status status, String message, String detail) {
    super(message);
    this.status = status;
    this.detail = detail == null ? "" : detail;
  }

  public RemoteException(ErrorReply reply) {
    this(reply.status(), reply.message(), reply.detail());
  }

  public Status status() {
    return status;
  }

  /** Extra information, e.g. the address of the pipeline node that failed; empty if none. */
  public String detail() {
    return detail;
  }

  public ErrorReply toReply() {
    return new ErrorReply(status, getMessage(), detail);
  }
}
