package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.security.Permissions;
import dev.granary.wire.Status;
import dev.granary.wire.msg.BalanceRequest;
import dev.granary.wire.msg.Message;
import java.util.concurrent.CompletableFuture;

/**
 * BALANCE: anyone may see how even the chunkservers' disk usage is; only the superuser starts a
 * pass (it moves replicas between nodes).
 */
public final class BalanceHandler implements RequestHandler<BalanceRequest> {
  private final ChunkManager chunks;

  public BalanceHandler(ChunkManager chunks) {
    this.chunks = chunks;
  }

  @Override
  public Class<BalanceRequest> type() {
    return BalanceRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(BalanceRequest r, PeerContext peer) {
    if (r.start() && !peer.caller().superuser()) {
      throw new MetadataException(Status.DENIED, "permission denied: "
          + Permissions.who(peer.caller()) + " may not start a balancing pass (only the"
          + " superuser may)");
    }
    return CompletableFuture.completedFuture(chunks.balance(r.thresholdPct(), r.start()));
  }
}
