package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.placement.NodeView;
import dev.granary.master.placement.PlacementPolicy;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.msg.ChunkCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-replication (GFS §4.3): chunks below their goal wait in a queue and are copied, the ones with
 * the fewest live replicas first, from a live holder to a target chosen by the placement policy.
 * A node takes part in at most {@code maxCopiesPerNode} copies and {@link #MAX_COPY_BYTES_PER_NODE}
 * bytes of copies at a time (as source or target): enough to keep its disks and network busy
 * between two results, few enough that a copy waiting on the node starts well within the copy
 * timeout. How many of them run at once is the chunkserver's choice: it runs fewer while clients
 * are reading or writing through it. A pass runs on every tick and after every copy result, so
 * repair is paced by the copies, not by the pulse. A copy ends when the target reports the replica, when the source
 * reports the outcome, or after {@code copyTimeout}; a failed or timed-out copy is queued again and
 * tried with another target. Also trims over-replicated chunks to their goal. Guarded by the
 * master's metadata lock.
 *
 * <p>Decommissioning: a replica on a node being decommissioned is a source for copies but does not
 * count toward its chunk's goal ({@link #goalReplicas}), is never a copy's target, and is never
 * trimmed. Its chunks therefore queue like under-replicated ones, but they still count their live
 * replicas, so they sort behind every chunk that really lacks copies.
 */
public final class ReplicationScheduler {
  private static final Logger log = LoggerFactory.getLogger(ReplicationScheduler.class);

  /**
   * Bytes of copies a node takes part in at once, as source and target together: eight 64 MiB
   * chunks (four out and four in, what a chunkserver runs at once as a source), or as many small
   * ones as {@code maxCopiesPerNode} allows. Copies stream, so this bounds how long a copy may
   * wait on its node before it starts, not memory. A node with nothing in flight takes one copy
   * of any size.
   */
  static final long MAX_COPY_BYTES_PER_NODE = 512L << 20;

  /**
   * One copy in flight; a {@code move} (the balancer's) drops the source's replica once the
   * target has reported its own.
   */
  record CopyTask(long handle, long version, long length, ChunkserverNode source,
      ChunkserverNode target, long started, boolean move) {}

  private final String nodeId;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final Namespace namespace;
  private final PlacementPolicy placement;
  private final int maxCopiesPerNode;
  private final long copyTimeoutMillis;
  private final RepairQueue queue = new RepairQueue();
  private final LinkedHashSet<Long> overCheck = new LinkedHashSet<>();
  private final Map<Long, List<CopyTask>> tasks = new HashMap<>();
  private final Map<Long, String> lastFailedTarget = new HashMap<>();
  private int inFlight;
  /** Copies whose source has reported success, waiting for the target's report. */
  private final Set<CopyTask> sourceDone = new HashSet<>();
  private int movesInFlight;
  private long bytesMoved;
  /** When the repair under way began (a node was declared DEAD), or -1. */
  private long repairStarted = -1;
  /** How long the last finished repair took, or -1. */
  private long lastRepairMillis = -1;
  /** Nodes still holding a bad replica of a chunk (to be deleted): never a copy's target. */
  private final java.util.function.LongFunction<Set<Integer>> badHolders;

  public ReplicationScheduler(String nodeId, NodeRegistry registry, ReplicaMap replicas,
      Namespace namespace, PlacementPolicy placement, int maxCopiesPerNode,
      long copyTimeoutMillis, java.util.function.LongFunction<Set<Integer>> badHolders) {
    this.badHolders = badHolders;
    this.nodeId = nodeId;
    this.registry = registry;
    this.replicas = replicas;
    this.namespace = namespace;
    this.placement = placement;
    this.maxCopiesPerNode = maxCopiesPerNode;
    this.copyTimeoutMillis = copyTimeoutMillis;
  }

  /** Live holders of {@code handle}: where it can be read and copied from. */
  int liveReplicas(long handle) {
    int n = 0;
    for (int o : replicas.holders(handle)) {
      if (registry.byOrdinal(o).isLive()) {
        n++;
      }
    }
    return n;
  }

  /** Holders of {@code handle} that count toward its goal: live and not being decommissioned. */
  int goalReplicas(long handle) {
    int n = 0;
    for (int o : replicas.holders(handle)) {
      if (registry.byOrdinal(o).inService()) {
        n++;
      }
    }
    return n;
  }

  /** Queues {@code handle} if it is below its goal. */
  public void check(long handle) {
    int goal = namespace.goal(handle);
    if (goal == 0) {
      return;
    }
    int counted = goalReplicas(handle);
    if (counted < goal) {
      // Bucketed by live replicas: a decommissioning node's chunks wait behind real repair.
      queue.add(handle, liveReplicas(handle));
    } else if (counted > goal) {
      overCheck.add(handle);
    }
  }

  /** Forgets a chunk that is no longer in the namespace. */
  public void forget(long handle) {
    queue.remove(handle);
    overCheck.remove(handle);
    lastFailedTarget.remove(handle);
    List<CopyTask> ts = tasks.remove(handle);
    if (ts != null) {
      ts.forEach(this::release);
    }
  }

  public int queueSize() {
    return queue.size();
  }

  public int inFlight() {
    return inFlight;
  }

  /** The queue in scheduling order: fewest live replicas first (ties: queue order). */
  public List<Long> queueInPriorityOrder() {
    return queue.inPriorityOrder();
  }

  /**
   * How long the last repair took: from a chunkserver declared DEAD until no chunk waited for a
   * copy and none was in flight (every chunk that had a live replica back at its goal). -1 if no
   * repair has finished since the master started.
   */
  public long lastRepairMillis() {
    return lastRepairMillis;
  }

  /** When the repair under way began, or -1 if none is. */
  public long repairStartedMillis() {
    return repairStarted;
  }

  /** Expires stale copies, starts new ones within the nodes' limits, trims excess replicas. */
  public void schedule(long now) {
    expire(now);
    Iterator<Long> it = queue.iterator();
    // A copy needs two nodes with room: once fewer have it, nothing else can start.
    // Nodes only lose room during a pass, so it is counted again only after a copy starts.
    int withRoom = nodesWithRoom();
    while (it.hasNext() && withRoom >= 2) {
      long handle = it.next();
      ChunkRecord c = namespace.chunk(handle);
      if (c == null) {
        it.remove();
        continue;
      }
      int goal = namespace.goal(handle);
      int counted = goalReplicas(handle);
      List<CopyTask> running = tasks.getOrDefault(handle, List.of());
      if (counted + running.size() >= goal) {
        if (counted >= goal) {
          it.remove();
        }
        continue;
      }
      if (liveReplicas(handle) == 0) {
        continue;
      }
      if (startCopy(handle, c, now)) {
        withRoom = nodesWithRoom();
        if (counted + running.size() + 1 >= goal) {
          it.remove();
        }
      }
    }
    trim();
    if (repairStarted >= 0 && queueSettled()) {
      lastRepairMillis = now - repairStarted;
      repairStarted = -1;
      log.info("{}: repair finished {} ms after a chunkserver was declared DEAD", nodeId,
          lastRepairMillis);
    }
  }

  /** Nothing waits for a copy that can be made, and no copy is in flight. */
  private boolean queueSettled() {
    if (inFlight > 0) {
      return false;
    }
    for (long h : queue) {
      if (liveReplicas(h) > 0) {
        return false;
      }
    }
    return true; // what is left has no live replica: missing, not repairable
  }

  private int nodesWithRoom() {
    int n = 0;
    for (ChunkserverNode node : registry.all()) {
      if (node.isLive() && node.copiesInFlight() < maxCopiesPerNode) {
        n++;
      }
    }
    return n;
  }

  /** Whether {@code n} may take part in one more copy of {@code length} bytes. */
  boolean hasRoom(ChunkserverNode n, long length) {
    return n.isLive() && n.copiesInFlight() < maxCopiesPerNode
        && (n.copyBytesInFlight() == 0
            || n.copyBytesInFlight() + length <= MAX_COPY_BYTES_PER_NODE);
  }

  private boolean startCopy(long handle, ChunkRecord c, long now) {
    long length = c.length();
    ChunkserverNode source = null;
    Set<String> excluded = new HashSet<>();
    for (int o : replicas.holders(handle)) {
      ChunkserverNode n = registry.byOrdinal(o);
      excluded.add(n.id());
      if (hasRoom(n, length)
          && (source == null || n.copiesInFlight() < source.copiesInFlight())) {
        source = n;
      }
    }
    if (source == null) {
      return false;
    }
    for (CopyTask t : tasks.getOrDefault(handle, List.of())) {
      excluded.add(t.target().id());
    }
    for (int o : badHolders.apply(handle)) {
      excluded.add(registry.byOrdinal(o).id());
    }
    String failed = lastFailedTarget.get(handle);
    List<NodeView> candidates = new ArrayList<>();
    for (ChunkserverNode n : registry.all()) {
      if (n.inService() && hasRoom(n, length)) {
        candidates.add(n.view());
      }
    }
    if (failed != null && candidates.stream().anyMatch(v -> !excluded.contains(v.id())
        && !v.id().equals(failed))) {
      excluded.add(failed);
    }
    var target = placement.chooseReplicationTarget(candidates, excluded, length);
    if (target.isEmpty()) {
      return false;
    }
    ChunkserverNode t = registry.get(target.get().id());
    start(new CopyTask(handle, c.version(), length, source, t, now, false));
    return true;
  }

  private void start(CopyTask task) {
    tasks.computeIfAbsent(task.handle(), k -> new ArrayList<>(1)).add(task);
    task.source().copyStarted(task.length());
    task.target().copyStarted(task.length());
    task.target().reserve(task.length());
    inFlight++;
    if (task.move()) {
      movesInFlight++;
    }
    task.source().enqueue(new ChunkCommand(ChunkCommand.Kind.COPY, task.handle(), task.version(),
        task.target().address()));
    log.debug("{}: {} chunk {} from {} to {}", nodeId, task.move() ? "move" : "copy",
        ChunkHandles.format(task.handle()), task.source().id(), task.target().id());
  }

  /**
   * Moves {@code source}'s replica of {@code handle} to {@code target} (the balancer): a copy, then
   * the source's replica dropped once the target reports its own, so the chunk never has fewer
   * replicas than before. Refused (false) unless the chunk is at its goal with nothing in flight,
   * the source holds it and the target does not, and both nodes have room for one more copy.
   */
  boolean startMove(long handle, ChunkserverNode source, ChunkserverNode target, long now) {
    ChunkRecord c = namespace.chunk(handle);
    if (c == null || tasks.containsKey(handle) || queue.contains(handle)
        || !replicas.contains(handle, source.ordinal())
        || replicas.contains(handle, target.ordinal())
        || badHolders.apply(handle).contains(target.ordinal())
        || !source.inService() || !target.inService()
        || goalReplicas(handle) < namespace.goal(handle)) {
      return false;
    }
    long length = c.length();
    if (!hasRoom(source, length) || !hasRoom(target, length) || target.free() < length) {
      return false;
    }
    start(new CopyTask(handle, c.version(), length, source, target, now, true));
    return true;
  }

  /** The balancer's moves in flight. */
  List<CopyTask> movesInFlight() {
    List<CopyTask> out = new ArrayList<>();
    for (List<CopyTask> ts : tasks.values()) {
      for (CopyTask t : ts) {
        if (t.move()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** Whether any chunk waits for a copy or is being copied back to its goal. */
  boolean repairing() {
    return !queue.isEmpty() || inFlight > movesInFlight;
  }

  /** Bytes the balancer has moved since the master started. */
  long bytesMoved() {
    return bytesMoved;
  }

  private void expire(long now) {
    Iterator<Map.Entry<Long, List<CopyTask>>> it = tasks.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, List<CopyTask>> e = it.next();
      e.getValue().removeIf(t -> {
        if (now - t.started() >= copyTimeoutMillis) {
          log.warn("{}: copy of chunk {} from {} to {} not confirmed within {} ms; retrying",
              nodeId, ChunkHandles.format(t.handle()), t.source().id(), t.target().id(),
              copyTimeoutMillis);
          lastFailedTarget.put(t.handle(), t.target().id());
          release(t);
          queue.add(t.handle(), liveReplicas(t.handle()));
          return true;
        }
        return false;
      });
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  private void release(CopyTask t) {
    if (!sourceDone.remove(t)) {
      t.source().copyEnded(t.length());
    }
    t.target().copyEnded(t.length());
    inFlight--;
    if (t.move()) {
      movesInFlight--;
    }
  }

  /** A replica of {@code handle} appeared on {@code node}: completes a copy (or move) to it. */
  public void onReplicaAdded(long handle, ChunkserverNode node) {
    List<CopyTask> ts = tasks.get(handle);
    List<CopyTask> moved = new ArrayList<>(0);
    if (ts != null && ts.removeIf(t -> {
      if (t.target() == node) {
        release(t);
        if (t.move()) {
          moved.add(t);
        }
        return true;
      }
      return false;
    }) && ts.isEmpty()) {
      tasks.remove(handle);
    }
    ChunkRecord c = namespace.chunk(handle);
    for (CopyTask t : moved) {
      finishMove(t, c);
    }
    if (c != null && goalReplicas(handle) > namespace.goal(handle)) {
      overCheck.add(handle);
    }
  }

  /** A move's copy is on its target: the source's replica goes, if the chunk keeps its goal. */
  private void finishMove(CopyTask t, ChunkRecord c) {
    ChunkserverNode source = t.source();
    if (c == null || !replicas.contains(t.handle(), source.ordinal())) {
      return;
    }
    if (c.version() != t.version() || !source.inService()
        || goalReplicas(t.handle()) <= namespace.goal(t.handle())) {
      return; // rewritten, or a replica was lost meanwhile: keep the source's (trim decides)
    }
    replicas.remove(t.handle(), source.ordinal());
    source.chunkRemoved();
    source.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, t.handle(), t.version(), null));
    bytesMoved += t.length();
    log.debug("{}: moved chunk {} from {} to {}", nodeId, ChunkHandles.format(t.handle()),
        source.id(), t.target().id());
  }

  /** The source's outcome of a COPY command. */
  public void onCopyResult(ChunkserverNode source, ChunkCommand cmd, boolean ok, String message) {
    List<CopyTask> ts = tasks.get(cmd.handle());
    if (ts == null) {
      return;
    }
    ts.removeIf(t -> {
      if (t.source() == source && cmd.target() != null
          && t.target().id().equals(cmd.target().id())) {
        if (ok && !replicas.contains(t.handle(), t.target().ordinal())) {
          // The target reports its replica before its WRITE_DONE, but on its own connection, so
          // the report may come after this result: the copy stays in flight until it does (or
          // times out), or the chunk would look short and be copied to the same node again.
          if (sourceDone.add(t)) {
            source.copyEnded(t.length());
          }
          return false;
        }
        release(t);
        if (!ok) {
          log.warn("{}: copy of chunk {} from {} to {} failed: {}; retrying elsewhere", nodeId,
              ChunkHandles.format(t.handle()), source.id(), t.target().id(), message);
          lastFailedTarget.put(t.handle(), t.target().id());
        }
        return true;
      }
      return false;
    });
    if (ts.isEmpty()) {
      tasks.remove(cmd.handle());
    }
    check(cmd.handle());
    if (!ok && namespace.isReferenced(cmd.handle())) {
      queue.add(cmd.handle(), liveReplicas(cmd.handle()));
    }
  }

  /** A node died at {@code now}: its copies are abandoned and retried; a repair begins. */
  public void onNodeDead(ChunkserverNode dead, long now) {
    if (repairStarted < 0) {
      repairStarted = now;
    }
    Iterator<Map.Entry<Long, List<CopyTask>>> it = tasks.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, List<CopyTask>> e = it.next();
      e.getValue().removeIf(t -> {
        if (t.source() == dead || t.target() == dead) {
          release(t);
          queue.add(t.handle(), liveReplicas(t.handle()));
          return true;
        }
        return false;
      });
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
  }

  /**
   * Drops excess replicas (placement decides which) of chunks above their goal; a replica on a
   * node being decommissioned is neither counted nor dropped, so it serves reads until the node is
   * switched off.
   */
  private void trim() {
    for (Iterator<Long> it = overCheck.iterator(); it.hasNext(); ) {
      long handle = it.next();
      it.remove();
      ChunkRecord c = namespace.chunk(handle);
      if (c == null || tasks.containsKey(handle)) {
        continue;
      }
      int goal = namespace.goal(handle);
      while (true) {
        List<NodeView> holders = new ArrayList<>();
        for (int o : replicas.holders(handle)) {
          ChunkserverNode n = registry.byOrdinal(o);
          if (n.inService()) {
            holders.add(n.view());
          }
        }
        if (holders.size() <= goal) {
          break;
        }
        NodeView drop = placement.chooseReplicaToDrop(holders);
        ChunkserverNode n = registry.get(drop.id());
        replicas.remove(handle, n.ordinal());
        n.chunkRemoved();
        n.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, handle, c.version(), null));
        log.info("{}: chunk {} has {} live replicas, goal {}: dropping the one on {}", nodeId,
            ChunkHandles.format(handle), holders.size(), goal, n.id());
      }
    }
  }
}
