package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.msg.ChunkCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when the master may delete replicas, so that no mistake around it turns into data loss
 * (HDFS: the start-up delay of block deletion; GFS §5.2: a bad replica goes only once good copies
 * are back).
 *
 * <ul>
 *   <li><b>Start-up grace.</b> Nothing found by garbage collection is deleted until replica
 *       locations are complete and {@code startupDelay} has passed since the master started: a
 *       master that came up on the wrong or an old data directory gets a chance to be noticed.
 *   <li><b>Bulk holds.</b> Unreferenced replicas are garbage only on the strength of this master's
 *       namespace, which may be old (a restored backup). When they would make most of one node's
 *       replicas garbage at once, or when their handles were never handed out by this master at
 *       all, their deletion is held and counted in {@code deletionsHeld} until an operator
 *       releases it (carried out) or discards it (the replicas are kept). Replicas this master
 *       knows to be garbage itself (files deleted through it, writes it saw abandoned) are not
 *       held.
 *   <li><b>Deferred deletions.</b> A replica that lost a vote (or is otherwise bad but still
 *       readable on disk) leaves the locations at once but is deleted only when its chunk has its
 *       replication goal on other, verified replicas, or as many as there are other live nodes
 *       to hold them (a small cluster may need the bad replica's node for a good copy).
 * </ul>
 *
 * Guarded by the master's metadata lock.
 */
final class DeletionGuard {
  private static final Logger log = LoggerFactory.getLogger(DeletionGuard.class);
  /** A hold starts only at this many replicas of one node: a few abandoned chunks are not bulk. */
  static final int MIN_BULK = 3;

  private final String nodeId;
  private final long startMillis;
  private final long startupDelayMillis;
  /** node ordinal -> (handle -> version) held for an operator. */
  private final Map<Integer, Map<Long, Long>> held = new HashMap<>();
  /** handle -> (node ordinal -> version) to delete once the chunk is back at its goal. */
  private final Map<Long, Map<Integer, Long>> deferred = new LinkedHashMap<>();

  DeletionGuard(String nodeId, long startMillis, long startupDelayMillis) {
    this.nodeId = nodeId;
    this.startMillis = startMillis;
    this.startupDelayMillis = startupDelayMillis;
  }

  /** Whether garbage collection may delete anything yet. */
  boolean collectionAllowed(long now, boolean locationsComplete) {
    return locationsComplete && now - startMillis >= startupDelayMillis;
  }

  /**
   * Takes the replicas garbage collection found due on one node and deletes them, or holds them
   * (see the class comment). {@code reported} is how many replicas the node holds that the
   * master knows of (its locations).
   */
  void collect(ChunkserverNode node, List<GarbageTracker.Candidate> due, long reported) {
    Map<Long, Long> nodeHeld = held.get(node.ordinal());
    int alreadyHeld = nodeHeld == null ? 0 : nodeHeld.size();
    List<GarbageTracker.Candidate> known = new ArrayList<>();
    List<GarbageTracker.Candidate> suspicious = new ArrayList<>();
    for (GarbageTracker.Candidate c : due) {
      (c.provenance() == GarbageTracker.Provenance.KNOWN ? known : suspicious).add(c);
    }
    for (GarbageTracker.Candidate c : known) {
      delete(node, c.handle(), c.version(), "replica of deleted or abandoned chunk");
    }
    long doubtful = suspicious.size() + (long) alreadyHeld;
    boolean bulk = doubtful >= MIN_BULK && doubtful * 2 > reported + doubtful;
    int newlyHeld = 0;
    for (GarbageTracker.Candidate c : suspicious) {
      if (bulk || c.provenance() == GarbageTracker.Provenance.NEVER_ALLOCATED) {
        held.computeIfAbsent(node.ordinal(), k -> new HashMap<>()).put(c.handle(), c.version());
        newlyHeld++;
      } else {
        delete(node, c.handle(), c.version(), "replica of unknown chunk");
      }
    }
    if (newlyHeld > 0) {
      log.error("{}: holding the deletion of {} unreferenced replicas on {} ({} held there in all; "
          + "it holds {} replicas this master knows of): this master's namespace may be old or "
          + "wrong. Check the master's data dir, then run 'granary cluster release-deletions' or "
          + "'granary cluster discard-deletions'", nodeId, newlyHeld, node.id(),
          heldOn(node.ordinal()), reported);
    }
  }

  private void delete(ChunkserverNode node, long handle, long version, String why) {
    log.info("{}: {} {} on {}: garbage, deleting", nodeId, why, ChunkHandles.format(handle),
        node.id());
    node.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, handle, version, null));
  }

  int heldOn(int ordinal) {
    Map<Long, Long> m = held.get(ordinal);
    return m == null ? 0 : m.size();
  }

  long heldCount() {
    long n = 0;
    for (Map<Long, Long> m : held.values()) {
      n += m.size();
    }
    return n;
  }

  /** A node went DEAD or starts a new full report: its holds are derived again from it. */
  void forgetNode(int ordinal) {
    held.remove(ordinal);
    for (Iterator<Map<Integer, Long>> it = deferred.values().iterator(); it.hasNext(); ) {
      Map<Integer, Long> m = it.next();
      m.remove(ordinal);
      if (m.isEmpty()) {
        it.remove();
      }
    }
  }

  /** What an operator's release or discard acts on: (ordinal, handle, version) triples. */
  interface HeldAction {
    void act(int ordinal, long handle, long version);
  }

  /**
   * Removes the holds of the nodes {@code select} accepts and hands each to {@code action}.
   *
   * @return how many replicas were acted on
   */
  long take(java.util.function.IntPredicate select, HeldAction action) {
    long n = 0;
    for (Iterator<Map.Entry<Integer, Map<Long, Long>>> it = held.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Integer, Map<Long, Long>> e = it.next();
      if (!select.test(e.getKey())) {
        continue;
      }
      for (Map.Entry<Long, Long> h : e.getValue().entrySet()) {
        action.act(e.getKey(), h.getKey(), h.getValue());
        n++;
      }
      it.remove();
    }
    return n;
  }

  /** A bad replica to delete once its chunk is back at its goal elsewhere. */
  void deferDelete(long handle, int ordinal, long version) {
    deferred.computeIfAbsent(handle, k -> new HashMap<>(2)).put(ordinal, version);
  }

  /** Nodes holding a bad replica of {@code handle} that waits for deletion. */
  java.util.Set<Integer> deferredHolders(long handle) {
    Map<Integer, Long> m = deferred.get(handle);
    return m == null ? java.util.Set.of() : m.keySet();
  }

  int deferredCount() {
    return deferred.size();
  }

  /** How a deferred deletion learns whether its chunk is back at its goal. */
  interface Goal {
    /**
     * Whether {@code handle} has its goal on verified replicas (or as many as the live nodes
     * without a bad replica of it allow), or is garbage altogether.
     */
    boolean met(long handle, int badHolders);
  }

  /** Deletes every deferred replica whose chunk is back at its goal. */
  void releaseDeferred(Goal goal, IntFunction<ChunkserverNode> nodes) {
    for (Iterator<Map.Entry<Long, Map<Integer, Long>>> it = deferred.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Long, Map<Integer, Long>> e = it.next();
      long handle = e.getKey();
      if (!goal.met(handle, e.getValue().size())) {
        continue;
      }
      for (Map.Entry<Integer, Long> r : e.getValue().entrySet()) {
        ChunkserverNode n = nodes.apply(r.getKey());
        if (n.isLive()) {
          log.info("{}: chunk {} is back at its goal: deleting the bad replica on {}", nodeId,
              ChunkHandles.format(handle), n.id());
          n.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, handle, r.getValue(), null));
        }
      }
      it.remove();
    }
  }
}
