package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.Namespace;
import dev.granary.wire.msg.BalanceResponse;
import dev.granary.wire.msg.BalanceResponse.NodeUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the chunkservers' disk usage even, as the HDFS balancer does but inside the master and
 * always on: every node's used fraction should be within {@code threshold} percentage points of
 * the cluster's (total used / total capacity over live nodes). A node above that band gives
 * replicas to the emptiest nodes below the cluster's fraction; a node below it takes replicas
 * from the fullest nodes above. Each replica is moved by the {@link ReplicationScheduler} (copy,
 * then drop the source's once the target reports, so no chunk ever has fewer replicas than its
 * goal, and never two on one node), and each node moves at most {@code bandwidth} bytes per
 * second, so a new empty node fills gradually while clients keep most of the disks.
 *
 * <p>Repair comes first: nothing is moved while any chunk waits for re-replication. Moves are
 * planned on every tick and after every copy result (so they are paced by the copies and the
 * bandwidth, not the tick), against each node's used bytes as last pulsed less the moves in flight
 * from it. Which replicas a node holds is listed once per {@link #HELD_REFRESH_MILLIS} and walked
 * with a cursor, so a plan does not scan every replica. An operator's pass ({@link #startPass})
 * plans at once and may use a tighter threshold until the cluster is within it. Guarded by the
 * master's metadata lock.
 */
final class Balancer implements TickTask {
  private static final Logger log = LoggerFactory.getLogger(Balancer.class);
  static final long HELD_REFRESH_MILLIS = 5_000;

  private final String nodeId;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final Namespace namespace;
  private final ReplicationScheduler scheduler;
  private final int thresholdPct;
  private final long bandwidth;
  /** Bytes each node (by ordinal) may still start moving; refilled at {@code bandwidth}/s. */
  private final Map<Integer, Double> allowance = new HashMap<>();
  private long lastRefill = -1;
  /** Replicas of each source (by ordinal) as listed at {@link #heldAt}, and how far walked. */
  private final Map<Integer, long[]> held = new HashMap<>();
  private final Map<Integer, Integer> cursor = new HashMap<>();
  private long heldAt = Long.MIN_VALUE / 2;
  private int passThresholdPct = -1;
  private boolean wasBalanced = true;

  Balancer(String nodeId, NodeRegistry registry, ReplicaMap replicas, Namespace namespace,
      ReplicationScheduler scheduler, int thresholdPct, long bandwidth) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.replicas = replicas;
    this.namespace = namespace;
    this.scheduler = scheduler;
    this.thresholdPct = thresholdPct;
    this.bandwidth = bandwidth;
  }

  /** A node's usage as the balancer plans with it. */
  private static final class Usage {
    final ChunkserverNode node;
    double used;
    final double capacity;

    Usage(ChunkserverNode node, double used) {
      this.node = node;
      this.used = used;
      this.capacity = node.capacity();
    }

    double fraction() {
      return used / capacity;
    }
  }

  /** The threshold in force: an operator's pass's, else the configured one. */
  int threshold() {
    return passThresholdPct > 0 ? passThresholdPct : thresholdPct;
  }

  /**
   * Starts a pass now with {@code pct} percentage points (0: the configured threshold), kept
   * until every node is within it.
   */
  void startPass(int pct) {
    passThresholdPct = pct > 0 ? pct : thresholdPct;
    heldAt = Long.MIN_VALUE / 2; // list afresh
    log.info("{}: balancing pass started with a threshold of {} percentage points", nodeId,
        passThresholdPct);
  }

  @Override
  public void run(long now) {
    refill(now);
    plan(now);
  }

  private void refill(long now) {
    double add = lastRefill < 0 ? bandwidth : bandwidth * (now - lastRefill) / 1000.0;
    lastRefill = now;
    for (ChunkserverNode n : registry.all()) {
      allowance.merge(n.ordinal(), add, (a, b) -> Math.min(bandwidth, a + b));
    }
  }

  /** The nodes that hold data for good, with their used bytes once the moves in flight land. */
  private List<Usage> usage() {
    Map<ChunkserverNode, Double> pending = new HashMap<>();
    for (ReplicationScheduler.CopyTask t : scheduler.movesInFlight()) {
      pending.merge(t.source(), (double) -t.length(), Double::sum);
      // The target's used bytes already count the move: the scheduler reserved its space.
    }
    List<Usage> out = new ArrayList<>();
    for (ChunkserverNode n : registry.all()) {
      if (n.inService() && n.capacity() > 0) {
        out.add(new Usage(n, Math.max(0, n.used() + pending.getOrDefault(n, 0.0))));
      }
    }
    return out;
  }

  private static double mean(List<Usage> nodes) {
    double used = 0;
    double capacity = 0;
    for (Usage u : nodes) {
      used += u.used;
      capacity += u.capacity;
    }
    return capacity == 0 ? 0 : used / capacity;
  }

  private void plan(long now) {
    if (scheduler.repairing()) {
      return; // repair first
    }
    List<Usage> nodes = usage();
    if (nodes.size() < 2) {
      return;
    }
    double mean = mean(nodes);
    double t = threshold() / 100.0;
    List<Usage> over = nodes.stream().filter(u -> u.fraction() > mean + t).toList();
    List<Usage> under = nodes.stream().filter(u -> u.fraction() < mean - t).toList();
    if (over.isEmpty() && under.isEmpty()) {
      if (!wasBalanced || passThresholdPct > 0) {
        log.info("{}: chunkservers balanced: every node within {} percentage points of the "
            + "cluster's {}% used", nodeId, threshold(), Math.round(mean * 1000) / 10.0);
      }
      wasBalanced = true;
      passThresholdPct = -1;
      return;
    }
    wasBalanced = false;
    // Over-used nodes give to the emptiest below the mean; under-used ones take from the fullest
    // above it (as the HDFS balancer pairs over/above-average with under/below-average).
    List<Usage> sources = new ArrayList<>(over.isEmpty()
        ? nodes.stream().filter(u -> u.fraction() > mean).toList() : over);
    List<Usage> targets = new ArrayList<>(under.isEmpty()
        ? nodes.stream().filter(u -> u.fraction() < mean).toList() : under);
    sources.sort(Comparator.comparingDouble(Usage::fraction).reversed());
    if (now - heldAt >= HELD_REFRESH_MILLIS) {
      held.clear();
      cursor.clear();
      heldAt = now;
    }
    for (Usage source : sources) {
      int ordinal = source.node.ordinal();
      long[] handles = held.computeIfAbsent(ordinal, replicas::handlesOf);
      int next = cursor.getOrDefault(ordinal, 0);
      targets.sort(Comparator.comparingDouble(Usage::fraction));
      for (Usage target : targets) {
        while (next < handles.length && source.fraction() > mean && target.fraction() < mean
            && allowance.getOrDefault(source.node.ordinal(), 0.0) > 0
            && allowance.getOrDefault(target.node.ordinal(), 0.0) > 0) {
          long handle = handles[next++];
          if (scheduler.startMove(handle, source.node, target.node, now)) {
            long length = namespace.chunkLength(handle);
            source.used -= length;
            target.used += length;
            allowance.merge(source.node.ordinal(), (double) -length, Double::sum);
            allowance.merge(target.node.ordinal(), (double) -length, Double::sum);
          } else if (!scheduler.hasRoom(source.node, 1) || !scheduler.hasRoom(target.node, 1)) {
            next--; // not tried for want of room: again at the next plan
            break;
          }
        }
      }
      cursor.put(ordinal, next);
    }
  }

  /** The balance now, for BALANCE. */
  BalanceResponse status() {
    List<Usage> nodes = usage();
    double mean = mean(nodes);
    double t = threshold() / 100.0;
    long used = 0;
    long capacity = 0;
    boolean balanced = true;
    List<NodeUsage> out = new ArrayList<>();
    for (Usage u : nodes) {
      used += (long) u.used;
      capacity += (long) u.capacity;
      balanced &= Math.abs(u.fraction() - mean) <= t;
      out.add(new NodeUsage(u.node.id(), (long) u.used, (long) u.capacity));
    }
    out.sort(Comparator.comparing(NodeUsage::node));
    return new BalanceResponse(threshold(), passThresholdPct > 0, used, capacity, balanced,
        scheduler.movesInFlight().size(), scheduler.bytesMoved(), out);
  }
}
