package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.LivenessMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Nodes silent for deadAfter go DEAD; their chunks are queued for re-replication (GFS §4.3). */
final class LivenessTask implements TickTask {
  private static final Logger log = LoggerFactory.getLogger(LivenessTask.class);
  private final String nodeId;
  private final LivenessMonitor liveness;
  private final ReplicaMap replicas;
  private final ReplicationScheduler scheduler;
  private final DeletionGuard deletions;
  private final BadReplicaReports badReports;
  private final ReportReconciler reconciler;

  LivenessTask(String nodeId, LivenessMonitor liveness, ReplicaMap replicas,
      ReplicationScheduler scheduler, DeletionGuard deletions, BadReplicaReports badReports,
      ReportReconciler reconciler) {
    this.nodeId = nodeId;
    this.liveness = liveness;
    this.replicas = replicas;
    this.scheduler = scheduler;
    this.deletions = deletions;
    this.badReports = badReports;
    this.reconciler = reconciler;
  }

  @Override
  public void run(long now) {
    for (ChunkserverNode dead : liveness.check(now)) {
      long[] held = replicas.handlesOf(dead.ordinal());
      log.info("{}: chunkserver {} missed pulses for {} ms: DEAD; {} chunks queued for "
          + "re-replication", nodeId, dead.id(), now - dead.lastPulseMillis(), held.length);
      scheduler.onNodeDead(dead, now);
      deletions.forgetNode(dead.ordinal());
      badReports.forgetNode(dead.ordinal());
      for (long h : held) {
        reconciler.removeLocation(h, dead);
      }
    }
  }
}
