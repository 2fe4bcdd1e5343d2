package dev.granary.master.net;

import dev.granary.wire.MessageType;
import dev.granary.wire.Status;

/**
 * Told about every request the {@link RequestDispatcher} answered: its type, the status of the
 * answer and how long it took from dispatch to the answer. Called on whichever thread completed
 * the request; must not block.
 */
public interface RequestObserver {
  /** Observes nothing. */
  RequestObserver NONE = new RequestObserver() {
    @Override
    public long start() {
      return 0;
    }

    @Override
    public void answered(MessageType request, Status status, long startedAt) {}
  };

  /** A request is dispatched now: the value to hand back to {@link #answered}. */
  long start();

  /**
   * The request begun at {@code startedAt} (from {@link #start()}) was answered.
   *
   * @param status {@link Status#OK} for an answer that is not an ERROR, else the ERROR's status
   */
  void answered(MessageType request, Status status, long startedAt);
}
