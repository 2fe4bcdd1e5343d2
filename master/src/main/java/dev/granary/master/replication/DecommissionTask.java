package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.DecommissionProgress;
import dev.granary.master.liveness.Decommissions;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decommissioning (HDFS's DatanodeAdminManager, in small): keeps each registered node's soft state
 * in step with the persisted intents ({@link Decommissions}) and checks how far each live
 * decommissioning node has got.
 *
 * <p>When a node starts decommissioning, every chunk it holds is checked against its goal; since
 * its replicas no longer count ({@link ReplicationScheduler#goalReplicas}), each lands in the
 * re-replication queue and is copied like any under-replicated chunk (from any live holder, the
 * node itself included, within the copy slots). A check, at most every {@link #PERIOD_MILLIS},
 * counts the replicas it holds whose chunk still lacks its goal on in-service nodes, queues any of
 * them that fell out of the queue, and declares the node DECOMMISSIONED when none is left, its
 * full replica report is in, and no write that may have placed a replica on it is still in flight
 * (those begun before the decommission, or uncommitted replicas it reported lately). Such writes
 * are awaited for {@link #WRITE_WAIT_MILLIS} at most: a handle stays pending for as long as its
 * writer's lease is renewed, even when the writer dropped it (a failed pipeline it retried
 * elsewhere, a spare allocation it let age), so waiting for every pending handle would keep a node
 * under a busy writer DECOMMISSIONING for good. A write that lands on the node later is not lost
 * if the node is switched off: its chunk commits on its other replicas and is re-replicated; while
 * the node is still on, the replica reported makes it DECOMMISSIONING again. The state follows
 * the facts: a node that again holds a chunk lacking its goal elsewhere is DECOMMISSIONING again.
 * A dead node is not checked; it keeps the state it had when it died. When the intent is dropped
 * (recommission), the node's chunks are checked again, so the excess copies are trimmed.
 *
 * <p>Runs under the metadata write lock, as part of the tick once locations are complete; {@link
 * #sync} also runs at registration and right after an operator's request is durable.
 */
final class DecommissionTask implements TickTask {
  private static final Logger log = LoggerFactory.getLogger(DecommissionTask.class);
  /** How often a decommissioning node's progress is counted (a pass over the replica map). */
  static final long PERIOD_MILLIS = 1000;
  /**
   * How long a write that may place a replica on a decommissioning node is awaited: ample for a
   * pipeline handed out just before the decommission to deliver its chunk (a spare allocation is
   * used within a second of its receipt or never), short enough for an operator to wait for.
   */
  static final long WRITE_WAIT_MILLIS = 10_000;

  private final String nodeId;
  private final Decommissions intents;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final Namespace namespace;
  private final GarbageTracker garbage;
  private final ReplicationScheduler scheduler;
  private long lastCheck = Long.MIN_VALUE;

  DecommissionTask(String nodeId, Decommissions intents, NodeRegistry registry,
      ReplicaMap replicas, Namespace namespace, GarbageTracker garbage,
      ReplicationScheduler scheduler) {
    this.nodeId = nodeId;
    this.intents = intents;
    this.registry = registry;
    this.replicas = replicas;
    this.namespace = namespace;
    this.garbage = garbage;
    this.scheduler = scheduler;
  }

  @Override
  public void run(long now) {
    boolean unchecked = false;
    for (ChunkserverNode n : registry.all()) {
      sync(n, now);
      DecommissionProgress p = n.decommission();
      unchecked |= p != null && n.isLive() && !p.checked();
    }
    if (!unchecked && lastCheck != Long.MIN_VALUE && now - lastCheck < PERIOD_MILLIS) {
      return;
    }
    lastCheck = now;
    for (ChunkserverNode n : registry.all()) {
      if (n.isLive() && n.decommissioning()) {
        check(n, now);
      }
    }
  }

  /** Every registered node, at once (after an operator's request). */
  void syncAll(long now) {
    for (ChunkserverNode n : registry.all()) {
      sync(n, now);
    }
  }

  /** Brings {@code n}'s soft state in step with the intents. */
  void sync(ChunkserverNode n, long now) {
    boolean intended = intents.contains(n.id());
    if (intended && !n.decommissioning()) {
      n.startDecommission(intents.since(n.id()), garbage.writesInProgress(),
          now + WRITE_WAIT_MILLIS);
      long[] held = replicas.handlesOf(n.ordinal());
      for (long h : held) {
        scheduler.check(h);
      }
      log.info("{}: chunkserver {} is DECOMMISSIONING: it gets no new chunks, and the {} chunks "
          + "it holds are copied until each has its goal on other nodes", nodeId, n.id(),
          held.length);
    } else if (!intended && n.decommissioning()) {
      n.recommission();
      for (long h : replicas.handlesOf(n.ordinal())) {
        scheduler.check(h);
      }
      log.info("{}: chunkserver {} is back in service ({}): its replicas count again, and "
          + "chunks above their goal are trimmed", nodeId, n.id(), n.state());
    }
  }

  /** Counts what is left on live decommissioning node {@code n} and sets its state. */
  void check(ChunkserverNode n, long now) {
    DecommissionProgress p = n.decommission();
    long left = 0;
    for (long h : replicas.handlesOf(n.ordinal())) {
      int goal = namespace.goal(h);
      if (goal > 0 && scheduler.goalReplicas(h) < goal) {
        left++;
        scheduler.check(h);
      }
    }
    int awaited = p.awaitWrites(h -> !namespace.isReferenced(h)
        && garbage.stillWriting(h, now), now);
    boolean writing = awaited > 0
        || garbage.holdsWriteInProgress(n.ordinal(), now, now - WRITE_WAIT_MILLIS);
    boolean done = left == 0 && !writing && n.fullReportDone();
    if (done && !p.done()) {
      log.info("{}: chunkserver {} is DECOMMISSIONED: every chunk it holds has its goal on other "
          + "nodes; it can be switched off", nodeId, n.id());
    } else if (!done && p.done()) {
      log.info("{}: chunkserver {} is DECOMMISSIONING again: {} of its replicas lack their goal "
          + "on other nodes{}", nodeId, n.id(), left, writing ? ", writes to it in flight" : "");
    }
    p.checkedNow(done, left);
  }

  /** Whether {@code id} is being decommissioned by an operator's (persisted) request. */
  boolean intended(String id) {
    return intents.contains(id);
  }

  /** When {@code id} was asked to be decommissioned (epoch ms), or 0. */
  long since(String id) {
    return intents.since(id);
  }
}
