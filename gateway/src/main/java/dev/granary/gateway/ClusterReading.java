package dev.granary.gateway;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the history keeps of one read of the master's metrics (the {@code granary_...} families
 * that {@code /metrics} serves, named in the contract): space on the LIVE chunkservers, chunk
 * health, re-replication's progress, and every chunkserver's byte counters as of its last pulse.
 *
 * @param timeMillis when it was read (epoch ms)
 * @param capacityBytes bytes the LIVE chunkservers offer
 * @param usedBytes bytes of replicas on them
 * @param underReplicated chunks below their replication goal (with a replica left)
 * @param missing chunks with no live replica
 * @param replicationQueue chunks waiting for a copy
 * @param replicationsInFlight copies running
 * @param repairRunningSeconds how long the repair under way has run; 0 when none is
 * @param repairLastSeconds how long the last finished repair took; NaN when none finished
 * @param nodes each chunkserver's counters, by node id
 */
record ClusterReading(long timeMillis, long capacityBytes, long usedBytes, long underReplicated,
    long missing, long replicationQueue, long replicationsInFlight, double repairRunningSeconds,
    double repairLastSeconds, Map<String, NodeCounters> nodes) {

  /** A chunkserver's byte counters since it started (they restart from 0 with it). */
  record NodeCounters(long readBytes, long writtenBytes) {}

  ClusterReading {
    nodes = Map.copyOf(nodes);
  }

  boolean repairRunning() {
    return repairRunningSeconds > 0;
  }

  /** Reads the families this needs from {@code metrics}; a family that is absent reads as 0. */
  static ClusterReading of(MetricSnapshots metrics, long timeMillis) {
    double capacity = 0;
    double used = 0;
    double under = 0;
    double missing = 0;
    double queue = 0;
    double inFlight = 0;
    double running = 0;
    double last = Double.NaN;
    Map<String, long[]> nodes = new TreeMap<>();
    for (MetricSnapshot m : metrics) {
      String name = m.getMetadata().getName();
      switch (name) {
        case "granary_capacity_bytes" -> capacity = single(m);
        case "granary_used_bytes" -> used = single(m);
        case "granary_chunks_under_replicated" -> under = single(m);
        case "granary_chunks_missing" -> missing = single(m);
        case "granary_replication_queue" -> queue = single(m);
        case "granary_replications_in_flight" -> inFlight = single(m);
        case "granary_repair_running_seconds" -> running = single(m);
        case "granary_repair_last_seconds" -> last = single(m);
        case "granary_chunkserver_read_bytes" -> perNode(m, nodes, 0);
        case "granary_chunkserver_written_bytes" -> perNode(m, nodes, 1);
        default -> { }
      }
    }
    Map<String, NodeCounters> counters = new TreeMap<>();
    nodes.forEach((id, v) -> counters.put(id, new NodeCounters(v[0], v[1])));
    return new ClusterReading(timeMillis, (long) capacity, (long) used, (long) under,
        (long) missing, (long) queue, (long) inFlight, running, last, counters);
  }

  private static double single(MetricSnapshot m) {
    return m.getDataPoints().isEmpty() ? 0 : value(m.getDataPoints().get(0));
  }

  private static void perNode(MetricSnapshot m, Map<String, long[]> nodes, int slot) {
    for (DataPointSnapshot p : m.getDataPoints()) {
      String node = p.getLabels().get("node");
      if (node != null) {
        nodes.computeIfAbsent(node, k -> new long[2])[slot] = (long) value(p);
      }
    }
  }

  private static double value(DataPointSnapshot p) {
    if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
      return g.getValue();
    }
    if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
      return c.getValue();
    }
    return 0;
  }
}
