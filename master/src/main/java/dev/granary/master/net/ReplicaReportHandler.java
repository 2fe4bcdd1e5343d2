package dev.granary.master.net;

import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** REPLICA_REPORT: full (in parts) or incremental replica reports, reconciled against the namespace. */
public final class ReplicaReportHandler implements RequestHandler<dev.granary.wire.msg.ReplicaReportRequest> {
  private final ChunkserverProtocol protocol;

  public ReplicaReportHandler(ChunkserverProtocol protocol) {
    this.protocol = protocol;
  }

  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CHUNKSERVER);
  }

  @Override
  public Class<dev.granary.wire.msg.ReplicaReportRequest> type() {
    return dev.granary.wire.msg.ReplicaReportRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.ReplicaReportRequest r, PeerContext peer) {
    protocol.report(r);
    return CompletableFuture.completedFuture(new dev.granary.wire.msg.Ok());
  }
}
