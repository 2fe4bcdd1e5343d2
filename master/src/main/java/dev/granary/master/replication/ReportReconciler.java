package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.voting.MajorityVote;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles chunkserver replica reports against the namespace (GFS §4.4–4.5): each reported
 * replica becomes a location (current version, agreed content), a suspect for the next vote
 * (current version, different length or digest), or a DELETE (stale version, deleted file) or an
 * unknown replica that garbage collection will look at. A full report arrives in parts; when the
 * last part is in, locations the node no longer lists are dropped. Guarded by the master's
 * metadata lock.
 */
final class ReportReconciler {
  private static final Logger log = LoggerFactory.getLogger(ReportReconciler.class);

  private final String nodeId;
  private final Namespace namespace;
  private final ReplicaMap replicas;
  private final SuspectReplicas suspects;
  private final GarbageTracker garbage;
  private final ReplicationScheduler scheduler;
  private final Set<Long> corrupt;

  ReportReconciler(String nodeId, Namespace namespace, ReplicaMap replicas,
      SuspectReplicas suspects, GarbageTracker garbage, ReplicationScheduler scheduler,
      Set<Long> corrupt) {
    this.nodeId = nodeId;
    this.namespace = namespace;
    this.replicas = replicas;
    this.suspects = suspects;
    this.garbage = garbage;
    this.scheduler = scheduler;
    this.corrupt = corrupt;
  }

  void report(ChunkserverNode n, ReplicaReportRequest r, long now) {
    if (r.full() && (r.part() == 0 || n.fullReportHandles() == null)) {
      n.beginFullReport();
    }
    for (ReplicaInfo info : r.replicas()) {
      if (r.full()) {
        n.fullReportHandles().add(info.handle());
      }
      reconcile(n, info, now);
    }
    for (long h : r.removedHandles()) {
      removeLocation(h, n);
      suspects.remove(h, n.ordinal());
      garbage.unknownGone(h, n.ordinal());
    }
    if (r.full() && r.last()) {
      Set<Long> seen = n.fullReportHandles();
      for (long h : replicas.handlesOf(n.ordinal())) {
        if (!seen.contains(h)) {
          removeLocation(h, n);
        }
      }
      n.endFullReport();
      log.info("{}: full report from {}: {} replicas", nodeId, n.id(), seen.size());
    }
  }

  /** Decides what one reported replica is: a location, stale, garbage or a suspect. */
  private void reconcile(ChunkserverNode n, ReplicaInfo info, long now) {
    long h = info.handle();
    ChunkRecord c = namespace.chunk(h);
    if (c == null) {
      removeLocation(h, n);
      if (garbage.isRecentGarbage(h)) {
        n.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, h, info.version(), null));
      } else {
        // Also when pending: if the writer never commits, it is collected after the pending
        // allocation expires plus the grace period.
        garbage.unknownReported(h, n.ordinal(), info.version(), now);
      }
      return;
    }
    if (info.version() != c.version()) {
      log.info("{}: replica of chunk {} on {} has version {}, current is {}: deleting it", nodeId,
          ChunkHandles.format(h), n.id(), info.version(), c.version());
      removeLocation(h, n);
      n.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, h, info.version(), null));
      return;
    }
    if (info.length() == c.length() && info.digest() == c.digest()) {
      suspects.remove(h, n.ordinal());
      if (replicas.add(h, n.ordinal())) {
        n.chunkAdded();
      }
      scheduler.onReplicaAdded(h, n);
      if (scheduler.liveReplicas(h) >= namespace.goal(h)) {
        corrupt.remove(h);
      }
    } else {
      removeLocation(h, n);
      suspects.add(h, n.ordinal(), new MajorityVote.Content(info.length(), info.digest()));
    }
  }

  /** Drops a location (if present) and queues the chunk if it is now under its goal. */
  void removeLocation(long h, ChunkserverNode n) {
    if (replicas.remove(h, n.ordinal())) {
      n.chunkRemoved();
      scheduler.check(h);
    }
  }
}
