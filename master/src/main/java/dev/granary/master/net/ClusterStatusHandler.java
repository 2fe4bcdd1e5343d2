package dev.granary.master.net;

import dev.granary.master.replication.ChunkManager;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.Message;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** CLUSTER_STATUS: chunkservers, totals, recovery progress. */
public final class ClusterStatusHandler implements RequestHandler<ClusterStatusRequest> {
  private final ChunkManager chunks;
  private final String masterId;
  private final Clock clock;
  private final long startMillis;

  public ClusterStatusHandler(ChunkManager chunks, String masterId, Clock clock) {
    this.chunks = chunks;
    this.masterId = masterId;
    this.clock = clock;
    this.startMillis = clock.millis();
  }

  @Override
  public Class<ClusterStatusRequest> type() {
    return ClusterStatusRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(ClusterStatusRequest r, PeerContext peer) {
    return CompletableFuture.completedFuture(
        chunks.clusterStatus(masterId, Math.max(0, clock.millis() - startMillis)));
  }
}
