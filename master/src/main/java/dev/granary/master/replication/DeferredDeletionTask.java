package dev.granary.master.replication;

import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.Namespace;

/** Bad replicas whose chunks are back at their goal (or gone) are deleted now. */
final class DeferredDeletionTask implements TickTask {
  private final Namespace namespace;
  private final NodeRegistry registry;
  private final ReplicationScheduler scheduler;
  private final DeletionGuard deletions;

  DeferredDeletionTask(Namespace namespace, NodeRegistry registry, ReplicationScheduler scheduler,
      DeletionGuard deletions) {
    this.namespace = namespace;
    this.registry = registry;
    this.scheduler = scheduler;
    this.deletions = deletions;
  }

  @Override
  public void run(long now) {
    int liveNodes = registry.live().size();
    deletions.releaseDeferred((h, badHolders) -> {
      int goal = namespace.goal(h);
      int live = scheduler.liveReplicas(h);
      return goal == 0
          || (live > 0 && live >= Math.min(goal, liveNodes - badHolders));
    }, registry::byOrdinal);
  }
}
