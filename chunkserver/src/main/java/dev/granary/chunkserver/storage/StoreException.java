package dev.granary.chunkserver.storage;

import dev.granary.wire.Status;

/**
 * A replica operation refused or failed for a reason the requester must hear about: the status is
 * the one the ERROR reply carries (NO_SPACE, ALREADY_EXISTS, NO_SUCH_REPLICA, STALE_VERSION,
 * INTEGRITY, INTERNAL for I/O failures) and the message names the replica and the problem.
 */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Status status;

  public StoreException(Status status, String message) {
    super(message);
    this.status = status;
  }

  public StoreException(Status status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
