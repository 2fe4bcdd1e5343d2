package dev.granary.master.net;

import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * REPORT_BAD_REPLICA: from the replica's holder, a fact (the replica is replaced); from anyone
 * else, a claim the holder is asked to verify first.
 */
public final class ReportBadReplicaHandler implements RequestHandler<dev.granary.wire.msg.ReportBadReplicaRequest> {
  private final ChunkserverProtocol protocol;

  public ReportBadReplicaHandler(ChunkserverProtocol protocol) {
    this.protocol = protocol;
  }

  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CLIENT, Role.CHUNKSERVER);
  }

  @Override
  public Class<dev.granary.wire.msg.ReportBadReplicaRequest> type() {
    return dev.granary.wire.msg.ReportBadReplicaRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.ReportBadReplicaRequest r, PeerContext peer) {
    protocol.reportBad(r, peer.isChunkserver(r.nodeId()),
        peer.role() + " " + peer.peerId() + "@" + peer.remoteHost());
    return CompletableFuture.completedFuture(new dev.granary.wire.msg.Ok());
  }
}
