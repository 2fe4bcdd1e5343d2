package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.security.Permissions;
import dev.granary.wire.Status;
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
    if (!peer.caller().superuser()) {
      // Releasing held deletions destroys replicas: an operator's act, not a user's.
      throw new MetadataException(Status.DENIED, "permission denied: "
          + Permissions.who(peer.caller()) + " may not act on held replica deletions (only the"
          + " superuser may)");
    }
    long n = chunks.actOnHeldDeletions(r.action() == DeletionHoldRequest.Action.RELEASE,
        r.node());
    return CompletableFuture.completedFuture(new DeletionHoldResponse(n));
  }
}
