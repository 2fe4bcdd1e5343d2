package dev.granary.master.replication;

import com.google.common.base.Ticker;
import dev.granary.master.liveness.LivenessMonitor;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.placement.PlacementPolicy;
import dev.granary.master.state.MasterState;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the chunk side of the master once: the soft state (registry, replica map, suspects,
 * garbage, deletion guard...), the parts that act on it, and the three faces over it: the
 * client-facing {@link ChunkManager}, the {@link ChunkserverProtocol} and the periodic
 * {@link Tick}. It only wires; it decides nothing.
 */
public final class ChunkParts {
  private final ChunkManager manager;
  private final ChunkserverProtocol protocol;
  private final Tick tick;

  public ChunkParts(String nodeId, ChunkManager.Settings settings, MasterState state,
      PlacementPolicy placement, Ticker ticker, DigestLog digestLog) {
    Namespace namespace = state.namespace();
    NodeRegistry registry = new NodeRegistry();
    ReplicaMap replicas = new ReplicaMap();
    SuspectReplicas suspects = new SuspectReplicas();
    Set<Long> corrupt = new LinkedHashSet<>();
    BadReplicaReports badReports = new BadReplicaReports();
    ReportWaiters waiters = new ReportWaiters();
    LivenessMonitor liveness = new LivenessMonitor(registry, settings.deadAfter());
    GarbageTracker garbage = new GarbageTracker(settings.leaseTimeout().toMillis(),
        settings.gcInterval().toMillis());
    long startMillis = Ticks.millis(ticker);
    DeletionGuard deletions = new DeletionGuard(nodeId, startMillis,
        settings.startupDeletionDelay().toMillis());
    ReplicationScheduler scheduler = new ReplicationScheduler(nodeId, registry, replicas,
        namespace, placement, settings.maxCopiesPerNode(), settings.copyTimeout().toMillis(),
        deletions::deferredHolders);
    VoteResolver votes = new VoteResolver(nodeId, namespace, registry, replicas, suspects,
        scheduler, corrupt, digestLog, deletions);
    HealthScanner health = new HealthScanner(namespace, registry, replicas, corrupt);
    ReportReconciler reconciler = new ReportReconciler(nodeId, namespace, replicas, suspects,
        garbage, scheduler, corrupt);
    CommitConfirmations confirmations = new CommitConfirmations(registry, garbage,
        settings.leaseTimeout().toMillis(), settings.minReplicas());
    LocationsTask locations = new LocationsTask(nodeId, namespace, registry, replicas, suspects,
        scheduler, startMillis, settings.deadAfter().toMillis());
    HealthSummaryTask healthSummary = new HealthSummaryTask(health);
    DecommissionTask decommissions = new DecommissionTask(nodeId,
        state.image().decommissions(), registry, replicas, namespace, garbage, scheduler);
    Balancer balancer = new Balancer(nodeId, registry, replicas, namespace, scheduler,
        settings.balanceThresholdPct(), settings.balanceBandwidth());

    this.manager = new ChunkManager(nodeId, settings, namespace, placement, ticker, state,
        registry, replicas, suspects, corrupt, garbage, scheduler, votes, health, deletions,
        waiters, confirmations, locations, healthSummary, decommissions, balancer);
    this.protocol = new ChunkserverProtocol(nodeId, namespace, ticker, state, registry, replicas,
        suspects, corrupt, garbage, scheduler, reconciler, badReports, waiters, confirmations,
        locations, decommissions, balancer);
    this.tick = new Tick(ticker, state,
        new LivenessTask(nodeId, liveness, replicas, scheduler, deletions, badReports,
            reconciler),
        locations,
        List.of(new VotingTask(votes),
            new GarbageCollectionTask(namespace, registry, garbage, deletions),
            decommissions,
            new ReplicationTask(scheduler),
            balancer,
            new DeferredDeletionTask(namespace, registry, scheduler, deletions),
            new RepairedCorruptionTask(namespace, suspects, scheduler, corrupt)),
        healthSummary);
  }

  /** Client writes, garbage from the namespace, and queries. */
  public ChunkManager manager() {
    return manager;
  }

  /** The chunkserver protocol's messages. */
  public ChunkserverProtocol protocol() {
    return protocol;
  }

  /** The periodic work. */
  public Tick tick() {
    return tick;
  }
}
