package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when replica locations are complete after start-up: every chunk has a reported replica,
 * or deadAfter has passed and every live registered chunkserver's full report is in. Until then
 * nothing is voted, deleted or copied on the strength of partial reports. Once complete, every
 * chunk is checked against its goal.
 */
final class LocationsTask implements TickTask {
  private static final Logger log = LoggerFactory.getLogger(LocationsTask.class);
  private final String nodeId;
  private final Namespace namespace;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final SuspectReplicas suspects;
  private final ReplicationScheduler scheduler;
  private final long startMillis;
  private final long deadAfterMillis;
  private volatile boolean complete;

  LocationsTask(String nodeId, Namespace namespace, NodeRegistry registry, ReplicaMap replicas,
      SuspectReplicas suspects, ReplicationScheduler scheduler, long startMillis,
      long deadAfterMillis) {
    this.nodeId = nodeId;
    this.namespace = namespace;
    this.registry = registry;
    this.replicas = replicas;
    this.suspects = suspects;
    this.scheduler = scheduler;
    this.startMillis = startMillis;
    this.deadAfterMillis = deadAfterMillis;
    this.complete = namespace.chunkCount() == 0;
  }

  /** Whether reports cover the namespace since start-up. */
  boolean complete() {
    return complete;
  }

  @Override
  public void run(long now) {
    if (complete) {
      return;
    }
    boolean[] all = {true};
    namespace.forEachHandle(h -> {
      if (all[0] && replicas.holders(h).length == 0 && !suspects.has(h)) {
        all[0] = false;
      }
    });
    boolean reportsIn = now - startMillis >= deadAfterMillis;
    for (ChunkserverNode n : registry.all()) {
      if (n.isLive() && !n.fullReportDone()) {
        reportsIn = false;
      }
    }
    if (all[0] || reportsIn) {
      complete = true;
      log.info("{}: replica locations complete ({}) after {} ms", nodeId,
          all[0] ? "every chunk has a reported replica" : "every live chunkserver has reported",
          now - startMillis);
      for (ChunkserverNode n : registry.all()) {
        for (long h : replicas.handlesOf(n.ordinal())) {
          scheduler.check(h);
        }
      }
      namespace.forEachHandle(h -> {
        if (replicas.holders(h).length == 0) {
          scheduler.check(h);
        }
      });
    }
  }
}
