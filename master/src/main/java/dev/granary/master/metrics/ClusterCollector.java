package dev.granary.master.metrics;

import static dev.granary.http.ScrapedFamily.gauge;

import dev.granary.http.ScrapedFamily;
import dev.granary.master.liveness.NodeState;
import dev.granary.master.liveness.Traffic;
import dev.granary.master.replication.ChunkManager;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.NodeStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The whole cluster as the master sees it, read when a scrape arrives from the same status that
 * {@code granary cluster --json} shows (one read of the metadata), plus the traffic counters each
 * chunkserver sent with its last pulse and re-replication's progress. Space totals count LIVE
 * chunkservers only: what the cluster can use now.
 */
final class ClusterCollector implements MultiCollector {
  private final Supplier<ClusterStatusResponse> status;
  private final ChunkManager chunks;

  ClusterCollector(Supplier<ClusterStatusResponse> status, ChunkManager chunks) {
    this.status = status;
    this.chunks = chunks;
  }

  @Override
  public MetricSnapshots collect() {
    ClusterStatusResponse st = status.get();
    Map<String, Traffic> counters = chunks.traffic();
    ChunkManager.RepairStatus repair = chunks.repairStatus();
    List<MetricSnapshot> out = new ArrayList<>();
    Map<String, Long> byState = new LinkedHashMap<>();
    for (NodeState s : NodeState.values()) {
      byState.put(s.name(), 0L);
    }
    long capacity = 0;
    long used = 0;
    long free = 0;
    for (NodeStatus n : st.nodes()) {
      byState.merge(n.state(), 1L, Long::sum);
      if (n.state().equals(NodeState.LIVE.name())) {
        capacity += n.capacityBytes();
        used += n.usedBytes();
        free += n.freeBytes();
      }
    }
    ScrapedFamily states = ScrapedFamily.gauge("granary_chunkservers",
        "Chunkservers the master knows, by state.", null);
    byState.forEach((state, n) -> states.add(n, "state", state));
    out.add(states.build());
    out.add(gauge("granary_capacity_bytes", "Bytes the LIVE chunkservers offer.", Unit.BYTES,
        capacity));
    out.add(gauge("granary_used_bytes", "Bytes of replicas on the LIVE chunkservers.",
        Unit.BYTES, used));
    out.add(gauge("granary_free_bytes", "Bytes still free on the LIVE chunkservers.", Unit.BYTES,
        free));
    out.add(gauge("granary_files", "Files in the namespace.", null, st.files()));
    out.add(gauge("granary_directories", "Directories in the namespace.", null,
        st.directories()));
    out.add(gauge("granary_chunks", "Chunks of the namespace's files.", null, st.chunks()));
    out.add(gauge("granary_chunks_under_replicated", "Chunks with fewer live replicas than"
        + " their goal (and at least one).", null, st.underReplicated()));
    out.add(gauge("granary_chunks_over_replicated", "Chunks with more replicas than their goal.",
        null, st.overReplicated()));
    out.add(gauge("granary_chunks_missing", "Chunks with no live replica.", null,
        st.missing()));
    out.add(gauge("granary_chunks_corrupt", "Chunks whose replicas were found corrupt.", null,
        st.corrupt()));
    out.add(gauge("granary_replication_queue", "Chunks waiting to be copied to reach their"
        + " goal.", null, st.replicationQueue()));
    out.add(gauge("granary_replications_in_flight", "Replica copies running now.", null,
        st.replicationsInFlight()));
    out.add(gauge("granary_deletions_held", "Replica deletions held for an operator (most of a"
        + " chunkserver's replicas looked like garbage at once).", null, st.deletionsHeld()));
    out.add(gauge("granary_locations_complete", "1 once chunkserver reports cover the namespace"
        + " after a master start, else 0.", null, st.locationsComplete() ? 1 : 0));
    out.add(gauge("granary_read_only", "1 while the master cannot write its operation log and"
        + " refuses mutations, else 0.", null, st.readOnly() ? 1 : 0));
    out.add(gauge("granary_uptime_seconds", "Seconds since the master started.", Unit.SECONDS,
        Unit.millisToSeconds(st.uptimeMillis())));
    out.add(gauge("granary_repair_last_seconds", "How long the last repair took, from a"
        + " chunkserver declared DEAD until every chunk was back at its goal (NaN: none yet).",
        Unit.SECONDS, repair.lastMillis() < 0 ? Double.NaN
            : Unit.millisToSeconds(repair.lastMillis())));
    out.add(gauge("granary_repair_running_seconds", "How long the repair under way has run"
        + " since a chunkserver was declared DEAD (0: none is running).", Unit.SECONDS,
        Unit.millisToSeconds(Math.max(0, repair.runningMillis()))));
    out.addAll(perNode(st.nodes(), counters));
    return new MetricSnapshots(out);
  }

  private static List<MetricSnapshot> perNode(List<NodeStatus> nodes,
      Map<String, Traffic> counters) {
    ScrapedFamily live = ScrapedFamily.gauge("granary_chunkserver_live",
        "1 if the chunkserver is LIVE, else 0 (DEAD), with its address.", null);
    ScrapedFamily capacity = ScrapedFamily.gauge("granary_chunkserver_capacity_bytes",
        "Bytes the chunkserver offers.", Unit.BYTES);
    ScrapedFamily used = ScrapedFamily.gauge("granary_chunkserver_used_bytes",
        "Bytes of replicas on the chunkserver.", Unit.BYTES);
    ScrapedFamily free = ScrapedFamily.gauge("granary_chunkserver_free_bytes",
        "Bytes still free on the chunkserver.", Unit.BYTES);
    ScrapedFamily replicas = ScrapedFamily.gauge("granary_chunkserver_replicas",
        "Replicas the chunkserver holds.", null);
    ScrapedFamily copies = ScrapedFamily.gauge("granary_chunkserver_copies_in_flight",
        "Re-replication copies the chunkserver is sending.", null);
    ScrapedFamily silence = ScrapedFamily.gauge("granary_chunkserver_since_pulse_seconds",
        "Seconds since the chunkserver's last pulse.", Unit.SECONDS);
    ScrapedFamily read = ScrapedFamily.counter("granary_chunkserver_read_bytes",
        "Bytes the chunkserver served to readers, since it started.", Unit.BYTES);
    ScrapedFamily written = ScrapedFamily.counter("granary_chunkserver_written_bytes",
        "Bytes the chunkserver wrote into replicas, since it started.", Unit.BYTES);
    ScrapedFamily corrupt = ScrapedFamily.counter("granary_chunkserver_corrupt_replicas_found",
        "Replicas the chunkserver found corrupt or vanished, since it started.", null);
    for (NodeStatus n : nodes) {
      String id = n.id();
      live.add(n.state().equals(NodeState.LIVE.name()) ? 1 : 0, "node", id, "address",
          n.hostPort());
      capacity.add(n.capacityBytes(), "node", id);
      used.add(n.usedBytes(), "node", id);
      free.add(n.freeBytes(), "node", id);
      replicas.add(n.chunks(), "node", id);
      copies.add(n.activeTransfers(), "node", id);
      silence.add(Unit.millisToSeconds(n.millisSinceLastPulse()), "node", id);
      Traffic t = counters.getOrDefault(id, Traffic.NONE);
      read.add(t.bytesRead(), "node", id);
      written.add(t.bytesWritten(), "node", id);
      corrupt.add(t.corruptReplicasFound(), "node", id);
    }
    List<MetricSnapshot> out = new ArrayList<>();
    for (ScrapedFamily f : List.of(live, capacity, used, free, replicas, copies, silence, read,
        written, corrupt)) {
      out.add(f.build());
    }
    return out;
  }
}
