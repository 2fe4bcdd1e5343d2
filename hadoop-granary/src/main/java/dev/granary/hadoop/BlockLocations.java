package dev.granary.hadoop;

import dev.granary.client.ChunkInfo;
import dev.granary.client.FileInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.BlockLocation;

/**
 * Hadoop's block locations from a file's chunks: one per chunk overlapping the asked range, with
 * its offset, length and the hosts of its live replicas, so schedulers (MapReduce, Spark) place
 * tasks beside the data.
 */
final class BlockLocations {
  private BlockLocations() {}

  /** The chunks of {@code info} overlapping {@code [start, start + max(len, 1))}. */
  static BlockLocation[] of(FileInfo info, long start, long len) {
    long chunkSize = info.status().chunkSize();
    long end = start + Math.max(len, 1);
    List<BlockLocation> out = new ArrayList<>();
    for (ChunkInfo c : info.chunks()) {
      long offset = c.index() * chunkSize;
      if (offset + c.size() <= start || offset >= end) {
        continue;
      }
      String[] names = c.replicas().toArray(new String[0]);
      String[] hosts = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        int colon = names[i].lastIndexOf(':');
        hosts[i] = colon < 0 ? names[i] : names[i].substring(0, colon);
      }
      out.add(new BlockLocation(names, hosts, offset, c.size()));
    }
    return out.toArray(new BlockLocation[0]);
  }
}
