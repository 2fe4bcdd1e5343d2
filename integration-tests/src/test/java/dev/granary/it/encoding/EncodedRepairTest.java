package dev.granary.it.encoding;

import static dev.granary.it.encoding.EncodedFiles.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.cli.LocalCluster;
import dev.granary.client.Compression;
import dev.granary.client.GranaryClient;
import dev.granary.config.MasterConfig;
import dev.granary.it.MiniCluster;
import dev.granary.it.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20, repair: one replica of a chunk of a compressed file and of an encrypted file has a
 * byte flipped (its CRCs not fixed, as bit rot would leave it). Reads still return the right
 * bytes from the other replicas, and the bad replica is found (by a read or the scrubber, which
 * runs every second here), quarantined and replaced from a good one, as for a plain file: fsck is
 * HEALTHY again and every replica of the chunk holds the same bytes.
 */
class EncodedRepairTest {
  static final int CHUNK = 256 * 1024;

  @RegisterExtension
  static final EncodingCluster CLUSTER = new EncodingCluster(LocalCluster.Settings.defaults()
      .withSecurity(MasterConfig.TLS).withChunkSize(CHUNK)
      .withScrubInterval(Duration.ofSeconds(1)));

  @Test
  void aCorruptReplicaOfAnEncodedFileIsNeverServedAndGetsReplaced() throws Exception {
    MiniCluster m = CLUSTER.mini();
    GranaryClient c = CLUSTER.withKeyA();
    byte[] data = TestData.mixed(2 * CHUNK + 999, 71);
    EncodedFiles.create(c, "/r/zstd", data, options(CHUNK, Compression.ZSTD, false));
    EncodedFiles.create(c, "/r/lz4-enc", data, options(CHUNK, Compression.LZ4, true));
    EncodedFiles.create(c, "/r/enc", data, options(CHUNK, Compression.NONE, true));
    List<String> paths = List.of("/r/zstd", "/r/lz4-enc", "/r/enc");
    List<String> handles = new ArrayList<>();
    for (String p : paths) {
      handles.add(c.statWithChunks(p).chunks().get(0).handle());
    }
    for (String h : handles) {
      List<Path> replicas = m.replicaFiles(h);
      assertEquals(3, replicas.size(), "replicas of " + h);
      Path victim = replicas.get(0);
      // Mid-chunk: inside a record's payload (or the index), past the first 64 KiB block.
      MiniCluster.flipByte(victim, Files.size(victim) / 2);
    }
    // Several reads, so that every replica is likely to be chosen at least once.
    for (int i = 0; i < 6; i++) {
      for (String p : paths) {
        assertArrayEquals(data, Reads.stream(c, p), p + ", read " + i);
      }
    }
    for (String h : handles) {
      Wait.until("chunk " + h + " back to 3 identical replicas", Duration.ofSeconds(40),
          () -> identicalReplicas(m, h, 3), m::describe);
    }
    m.awaitHealthy(Duration.ofSeconds(30));
    for (String p : paths) {
      assertArrayEquals(data, Reads.stream(c, p), p + " after the repair");
    }
  }

  /** Whether chunk {@code h} has {@code n} replica files and they all hold the same bytes. */
  private static boolean identicalReplicas(MiniCluster m, String h, int n) throws Exception {
    List<Path> replicas = m.replicaFiles(h);
    if (replicas.size() != n) {
      return false;
    }
    byte[] first = ReplicaSurgery.read(replicas.get(0));
    for (Path r : replicas.subList(1, n)) {
      if (!Arrays.equals(first, ReplicaSurgery.read(r))) {
        return false;
      }
    }
    return true;
  }
}
