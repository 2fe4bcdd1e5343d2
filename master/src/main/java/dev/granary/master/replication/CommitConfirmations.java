package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.MetadataException;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Which chunkservers confirmed a chunk a commit names: the live nodes that reported the handle
 * with the commit's version, length and digest. Shared by the commit path (which records them)
 * and the report path (which wakes a commit waiting for them). The caller holds the lock.
 */
final class CommitConfirmations {
  private final NodeRegistry registry;
  private final GarbageTracker garbage;
  private final long leaseTimeoutMillis;
  private final int minReplicas;

  CommitConfirmations(NodeRegistry registry, GarbageTracker garbage, long leaseTimeoutMillis,
      int minReplicas) {
    this.registry = registry;
    this.garbage = garbage;
    this.leaseTimeoutMillis = leaseTimeoutMillis;
    this.minReplicas = minReplicas;
  }

  /** The fewest confirmed replicas a chunk of a file of {@code replication} needs to commit. */
  int needed(int replication) {
    return Math.min(minReplicas, replication);
  }

  /** For a waiting commit: how many confirmed {@code c}; "enough" if it can never commit. */
  int count(String path, CommitChunk c, long now) {
    try {
      return ordinals(path, c, now).size();
    } catch (MetadataException e) {
      return Integer.MAX_VALUE; // the commit's own check reports why
    }
  }

  /**
   * Live confirming nodes of {@code c}, in the commit's order, then the others.
   *
   * @throws MetadataException LEASE_EXPIRED if the handle's writer let its lease expire (or it is
   *     not pending at all)
   */
  List<Integer> ordinals(String path, CommitChunk c, long now) {
    GarbageTracker.Standing standing = garbage.standing(c.handle(), now);
    if (standing != GarbageTracker.Standing.PROTECTED) {
      throw new MetadataException(Status.LEASE_EXPIRED, "chunk "
          + ChunkHandles.format(c.handle()) + " of '" + path + "' was released: "
          + (standing == GarbageTracker.Standing.LEASE_EXPIRED
              ? "its writer's lease expired (not renewed for " + leaseTimeoutMillis + " ms)"
              : "it is not an upload in progress on this master")
          + "; write the file again");
    }
    List<Integer> reported = garbage.reportedWith(c.handle(), c.version(), c.length(),
        c.digest());
    List<Integer> out = new ArrayList<>(reported.size());
    for (String id : c.replicaIds()) {
      ChunkserverNode n = registry.get(id);
      if (n != null && n.isLive() && reported.contains(n.ordinal()) && !out.contains(n.ordinal())) {
        out.add(n.ordinal());
      }
    }
    for (int o : reported) {
      if (registry.byOrdinal(o).isLive() && !out.contains(o)) {
        out.add(o);
      }
    }
    return out;
  }
}
