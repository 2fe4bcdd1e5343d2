package dev.granary.chunkserver.metrics;

import static dev.granary.http.ScrapedFamily.gauge;

import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.http.ScrapedFamily;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * This chunkserver's own metrics, read when a scrape arrives: its traffic counters, open streams,
 * replicas and space (as offered to the master, and of the data dir's disk), and the scrubber's
 * progress. The master exports the per-node part of this for every chunkserver; this is the
 * detail.
 */
final class ChunkserverCollector implements MultiCollector {
  private final NodeCounters counters;
  private final ReplicaStore store;
  private final IntSupplier writesOpen;
  private final Path dataDir;

  /** @param writesOpen write streams (pipeline writes and copies received) in progress */
  ChunkserverCollector(NodeCounters counters, ReplicaStore store, IntSupplier writesOpen,
      Path dataDir) {
    this.counters = counters;
    this.store = store;
    this.writesOpen = writesOpen;
    this.dataDir = dataDir;
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(ScrapedFamily.counter("granary_chunkserver_read_bytes",
        "Bytes served to readers since this chunkserver started.", Unit.BYTES)
        .add(counters.bytesRead()).build());
    out.add(ScrapedFamily.counter("granary_chunkserver_written_bytes",
        "Bytes written into replicas (pipeline writes and copies received) since start.",
        Unit.BYTES).add(counters.bytesWritten()).build());
    out.add(ScrapedFamily.counter("granary_chunkserver_corrupt_replicas_found",
        "Replicas found corrupt or vanished (by reads, copies, the scrubber) since start.", null)
        .add(counters.corruptReplicasFound()).build());
    out.add(gauge("granary_chunkserver_open_streams",
        "Streams in progress: reads being served, writes being received.", null)
        .add(counters.readsOpen(), "kind", "read")
        .add(writesOpen.getAsInt(), "kind", "write").build());
    out.add(gauge("granary_chunkserver_replicas", "Committed replicas held.", null,
        store.replicaCount()));
    ReplicaStore.Space space = store.space();
    out.add(gauge("granary_chunkserver_capacity_bytes", "Bytes offered to the master.",
        Unit.BYTES, space.capacityBytes()));
    out.add(gauge("granary_chunkserver_used_bytes", "Bytes of replicas.", Unit.BYTES,
        space.usedBytes()));
    out.add(gauge("granary_chunkserver_free_bytes", "Bytes still offered for new replicas.",
        Unit.BYTES, space.freeBytes()));
    double diskTotal = Double.NaN;
    double diskFree = Double.NaN;
    try {
      FileStore disk = Files.getFileStore(dataDir);
      diskTotal = disk.getTotalSpace();
      diskFree = disk.getUsableSpace();
    } catch (IOException e) {
      // A disk that cannot be asked shows NaN: the scrape still answers with the rest.
    }
    out.add(gauge("granary_chunkserver_disk_size_bytes", "Size of the data dir's file system.",
        Unit.BYTES, diskTotal));
    out.add(gauge("granary_chunkserver_disk_free_bytes",
        "Bytes this process may still write on the data dir's file system.", Unit.BYTES,
        diskFree));
    out.add(gauge("granary_chunkserver_disk_used_bytes",
        "Bytes in use on the data dir's file system (by anything).", Unit.BYTES,
        diskTotal - diskFree));
    out.add(ScrapedFamily.counter("granary_chunkserver_scrubbed_bytes",
        "Bytes the scrubber verified since start.", Unit.BYTES)
        .add(counters.bytesScrubbed()).build());
    NodeCounters.ScrubPass pass = counters.lastScrubPass();
    out.add(gauge("granary_chunkserver_scrub_last_pass_coverage_ratio", "Share of the replicas"
        + " the last finished scrub pass checked (NaN: no pass yet).", Unit.RATIO,
        pass == null ? Double.NaN : pass.coverage()));
    out.add(gauge("granary_chunkserver_scrub_last_pass_bytes", "Bytes the last finished scrub"
        + " pass verified (NaN: no pass yet).", Unit.BYTES,
        pass == null ? Double.NaN : pass.bytes()));
    out.add(gauge("granary_chunkserver_scrub_last_pass_corrupt", "Replicas the last finished"
        + " scrub pass found corrupt or vanished (NaN: no pass yet).", null,
        pass == null ? Double.NaN : pass.corrupt()));
    out.add(gauge("granary_chunkserver_scrub_last_pass_seconds", "How long the last finished"
        + " scrub pass took (NaN: no pass yet).", Unit.SECONDS,
        pass == null ? Double.NaN : pass.seconds()));
    return new MetricSnapshots(out);
  }
}
