package dev.granary.master.net;

import dev.granary.master.replication.ChunkManager;
import dev.granary.wire.msg.DeletionHoldRequest;
import dev.granary.wire.msg.DeletionHoldResponse;
import dev.granary.wire.msg.Message;
import java.util.concurrent.CompletableFuture;

/** DELETION_HOLD: an operator releases or discards the replica deletions the master holds. */
public final class DeletionHoldHandler implements RequestHandler<DeletionHoldRequest> {
  private final ChunkManager chunks;

  public DeletionHoldHandler(ChunkManager chunks) {
    this.chunks = chunks;
  }

  @Override
  public Class<DeletionHoldRequest> type() {
    return DeletionHoldRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(DeletionHoldRequest r, PeerContext peer) {
    long n = chunks.actOnHeldDeletions(r.action() == DeletionHoldRequest.Action.RELEASE,
        r.node());
    return CompletableFuture.completedFuture(new DeletionHoldResponse(n));
  }
}
