package dev.granary.master.net;

import com.google.common.base.Ticker;
import dev.granary.master.MetadataService;
import dev.granary.master.replication.ChunkManager;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.Message;
import java.util.concurrent.CompletableFuture;

/**
 * CLUSTER_STATUS: chunkservers, totals, recovery progress, read-only mode; answered once the
 * counts it shows are durable.
 */
public final class ClusterStatusHandler implements RequestHandler<ClusterStatusRequest> {
  private final ChunkManager chunks;
  private final MetadataService service;
  private final String masterId;
  private final String clusterId;
  private final Ticker ticker;
  private final long startNanos;

  public ClusterStatusHandler(ChunkManager chunks, MetadataService service, String masterId,
      String clusterId, Ticker ticker) {
    this.chunks = chunks;
    this.service = service;
    this.masterId = masterId;
    this.clusterId = clusterId;
    this.ticker = ticker;
    this.startNanos = ticker.read();
  }

  @Override
  public Class<ClusterStatusRequest> type() {
    return ClusterStatusRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(ClusterStatusRequest r, PeerContext peer) {
    return service.read(this::status);
  }

  /**
   * The cluster's status now, read under the metadata lock, without waiting for what it shows to
   * be durable: what {@code granary cluster} shows, and what the master's metrics export.
   */
  public ClusterStatusResponse status() {
    return chunks.clusterStatus(masterId, clusterId,
        Math.max(0, (ticker.read() - startNanos) / 1_000_000)).withReadOnly(service.readOnly());
  }
}
