package dev.granary.chunkserver.net;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.storage.ReplicaStore;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What the per-connection handlers share: the node's identity, its store, the disk I/O pool, the
 * transfer slots, the reporter to the master, the pipeline's progress timeout and the pool of
 * connections to other chunkservers.
 *
 * @param ioPool runs disk I/O off the event loops; each transfer wraps it in its own ordered executor
 * @param progressTimeout a downstream pipeline node that makes no progress for this long has failed
 * @param downstreams the shared connections to other chunkservers (next pipeline hops)
 * @param openReplicas replicas kept open for reads
 */
public record ChunkServices(String nodeId, String software, ReplicaStore store, Executor ioPool,
    TransferSlots slots, ReplicaReporter reporter, Duration progressTimeout, Ticker ticker,
    DownstreamPool downstreams, OpenReplicas openReplicas) {

  /** The same services with a fresh cache of open replicas over {@code store}. */
  public ChunkServices(String nodeId, String software, ReplicaStore store, Executor ioPool,
      TransferSlots slots, ReplicaReporter reporter, Duration progressTimeout, Ticker ticker,
      DownstreamPool downstreams) {
    this(nodeId, software, store, ioPool, slots, reporter, progressTimeout, ticker, downstreams,
        new OpenReplicas(store, OpenReplicas.DEFAULT_CAPACITY, ticker));
  }
}
