package dev.granary.master.net;

import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.TokenCheck;
import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * REPORT_BAD_REPLICA: from the replica's holder, a fact (the replica is replaced); from anyone
 * else, a claim the holder is asked to verify first; when chunk tokens are required, only with a
 * valid READ token for the chunk (else TOKEN_INVALID, and nothing is verified: a peer that never
 * read the chunk cannot make chunkservers re-read it).
 */
public final class ReportBadReplicaHandler implements RequestHandler<dev.granary.wire.msg.ReportBadReplicaRequest> {
  private final ChunkserverProtocol protocol;
  private final ChunkTokenIssuer tokens;

  public ReportBadReplicaHandler(ChunkserverProtocol protocol, ChunkTokenIssuer tokens) {
    this.protocol = protocol;
    this.tokens = tokens;
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
    boolean fromHolder = peer.isChunkserver(r.nodeId());
    if (!fromHolder) {
      TokenCheck.Refusal refused = tokens.check(r.token(), r.handle(), ChunkAccess.READ);
      if (refused != null) {
        return CompletableFuture.completedFuture(new ErrorReply(Status.TOKEN_INVALID,
            "bad replica report from " + peer.role() + " " + peer.peerId() + "@"
                + peer.remoteHost() + " refused: " + refused.message(),
            refused.reason().code()));
      }
    }
    protocol.reportBad(r, fromHolder,
        peer.role() + " " + peer.peerId() + "@" + peer.remoteHost());
    return CompletableFuture.completedFuture(new dev.granary.wire.msg.Ok());
  }
}
