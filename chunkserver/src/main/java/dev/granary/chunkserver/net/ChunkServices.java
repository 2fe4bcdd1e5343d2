package dev.granary.chunkserver.net;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.metrics.NodeCounters;
import dev.granary.chunkserver.scrub.Sleeper;
import dev.granary.chunkserver.storage.ReplicaStore;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What the per-connection handlers share: the node's identity, its store, the disk I/O pool, the
 * transfer slots, the reporter to the master, the pipeline's timeouts and the pool of connections
 * to other chunkservers.
 *
 * @param ioPool runs disk I/O off the event loops; each transfer wraps it in its own ordered executor
 * @param progressTimeout a downstream pipeline node that makes no progress for this long has failed
 * @param downstreams the shared connections to other chunkservers (next pipeline hops)
 * @param openReplicas replicas kept open for reads
 * @param writeIdleTimeout a write stream that receives no data packet for this long while this
 *     node waits on its sender is aborted ({@link WriteTransfer}); PINGs and other streams on the
 *     same connection do not count
 * @param tokens checks the chunk access token of every read, write and copy
 * @param pacer paces re-replication copies against clients' reads and writes
 * @param counters where reads, writes and open read streams are counted
 */
public record ChunkServices(String nodeId, String software, ReplicaStore store, Executor ioPool,
    TransferSlots slots, ReplicaReporter reporter, Duration progressTimeout, Ticker ticker,
    DownstreamPool downstreams, OpenReplicas openReplicas, Duration writeIdleTimeout,
    TokenVerifier tokens, RepairPacer pacer, NodeCounters counters) {

  /** The same services counting into counters of their own. */
  public ChunkServices(String nodeId, String software, ReplicaStore store, Executor ioPool,
      TransferSlots slots, ReplicaReporter reporter, Duration progressTimeout, Ticker ticker,
      DownstreamPool downstreams, OpenReplicas openReplicas, Duration writeIdleTimeout,
      TokenVerifier tokens, RepairPacer pacer) {
    this(nodeId, software, store, ioPool, slots, reporter, progressTimeout, ticker, downstreams,
        openReplicas, writeIdleTimeout, tokens, pacer, new NodeCounters());
  }

  /** The same services with a pacer of their own (nothing else copies through them). */
  public ChunkServices(String nodeId, String software, ReplicaStore store, Executor ioPool,
      TransferSlots slots, ReplicaReporter reporter, Duration progressTimeout, Ticker ticker,
      DownstreamPool downstreams, OpenReplicas openReplicas, Duration writeIdleTimeout,
      TokenVerifier tokens) {
    this(nodeId, software, store, ioPool, slots, reporter, progressTimeout, ticker, downstreams,
        openReplicas, writeIdleTimeout, tokens, new RepairPacer(ticker, Sleeper.REAL));
  }

  /** The same services without chunk tokens (they are never required). */
  public ChunkServices(String nodeId, String software, ReplicaStore store, Executor ioPool,
      TransferSlots slots, ReplicaReporter reporter, Duration progressTimeout, Ticker ticker,
      DownstreamPool downstreams, OpenReplicas openReplicas, Duration writeIdleTimeout) {
    this(nodeId, software, store, ioPool, slots, reporter, progressTimeout, ticker, downstreams,
        openReplicas, writeIdleTimeout, TokenVerifier.off(java.time.Clock.systemUTC()));
  }

  /** The write streams' idle timeout of services built without one: the config's default. */
  static final Duration DEFAULT_WRITE_IDLE_TIMEOUT = Duration.ofMinutes(1);

  /**
   * The same services with a fresh cache of open replicas over {@code store} and the default
   * {@link #writeIdleTimeout}.
   */
  public ChunkServices(String nodeId, String software, ReplicaStore store, Executor ioPool,
      TransferSlots slots, ReplicaReporter reporter, Duration progressTimeout, Ticker ticker,
      DownstreamPool downstreams) {
    this(nodeId, software, store, ioPool, slots, reporter, progressTimeout, ticker, downstreams,
        new OpenReplicas(store, OpenReplicas.DEFAULT_CAPACITY, ticker),
        DEFAULT_WRITE_IDLE_TIMEOUT);
  }
}
