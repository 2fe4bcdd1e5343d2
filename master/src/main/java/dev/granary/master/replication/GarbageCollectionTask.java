package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.Namespace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Unknown replicas past their grace are deleted, per node, through the deletion guard. */
final class GarbageCollectionTask implements TickTask {
  private final Namespace namespace;
  private final NodeRegistry registry;
  private final GarbageTracker garbage;
  private final DeletionGuard deletions;

  GarbageCollectionTask(Namespace namespace, NodeRegistry registry, GarbageTracker garbage,
      DeletionGuard deletions) {
    this.namespace = namespace;
    this.registry = registry;
    this.garbage = garbage;
    this.deletions = deletions;
  }

  @Override
  public void run(long now) {
    // The tick runs this only once locations are complete.
    if (!deletions.collectionAllowed(now, true)) {
      return;
    }
    Map<Integer, List<GarbageTracker.Candidate>> due = new HashMap<>();
    garbage.collect(now, h -> namespace.isReferenced(h),
        c -> due.computeIfAbsent(c.ordinal(), k -> new ArrayList<>()).add(c));
    for (Map.Entry<Integer, List<GarbageTracker.Candidate>> e : due.entrySet()) {
      ChunkserverNode n = registry.byOrdinal(e.getKey());
      if (n.isLive()) {
        deletions.collect(n, e.getValue(), n.chunks());
      }
    }
  }
}
