package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit rot on a chunkserver's disk: a flipped byte in one replica of a chunk, and in two of the
 * three replicas of another. Readers only ever get the right bytes; the bad replicas are found by
 * the reads that hit them, reported, deleted and replaced; fsck returns to HEALTHY.
 */
class CorruptReplicaTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;

  @Test
  void flippedBytesAreNeverServedAndBadReplicasAreReplaced() throws Exception {
    cluster = fault.start(tmp.resolve("cluster"), 4);
    byte[] one = Faults.data(2 * CHUNK + CHUNK / 2, 21);
    byte[] two = Faults.data(CHUNK + 999, 22);
    ChunkInfo oneBad;
    ChunkInfo twoBad;
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      Faults.write(c, "/rot/one", one, false);
      Faults.write(c, "/rot/two", two, false);
      oneBad = Faults.chunks(c, "/rot/one").get(1);
      twoBad = Faults.chunks(c, "/rot/two").get(0);
    }
    byte[] oneChunk = Faults.chunkBytes(one, 1);
    byte[] twoChunk = Faults.chunkBytes(two, 0);
    List<Path> r1 = cluster.replicaFiles(oneBad.handle());
    List<Path> r2 = cluster.replicaFiles(twoBad.handle());
    assertEquals(3, r1.size(), () -> Faults.describeReplicas(cluster, oneBad.handle(), oneChunk));
    assertEquals(3, r2.size(), () -> Faults.describeReplicas(cluster, twoBad.handle(), twoChunk));
    // Readers try the first listed replica (the pipeline head, kept in its page cache) and fail
    // over on a mismatch, so the flips go where reads find them: the head of one chunk, and the
    // first two of the other (the second is listed first once the head is reported bad). Rot where
    // no reader goes is the scrubber's to find (the next test). Different blocks (64 KiB each), the
    // first and the last byte of a replica included.
    Faults.flipByte(replicaFile(oneBad, 0), 300_000);
    Faults.flipByte(replicaFile(twoBad, 0), 0);
    Faults.flipByte(replicaFile(twoBad, 1), twoChunk.length - 1);

    // Repeated reads by clients without a cache reach each bad replica in turn; each read must
    // still return the truth.
    AtomicInteger reads = new AtomicInteger();
    Wait.until("bad replicas replaced (3 correct replica files per chunk)", Duration.ofSeconds(60),
        () -> {
          try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
            assertArrayEquals(one, readOrFail(c, "/rot/one"),
                () -> "/rot/one read wrong bytes\n" + cluster.logs());
            assertArrayEquals(two, readOrFail(c, "/rot/two"),
                () -> "/rot/two read wrong bytes\n" + cluster.logs());
          }
          reads.incrementAndGet();
          return Faults.replicasAre(cluster, oneBad.handle(), 3, oneChunk)
              && Faults.replicasAre(cluster, twoBad.handle(), 3, twoChunk);
        }, () -> Faults.describeReplicas(cluster, oneBad.handle(), oneChunk) + "\n"
            + Faults.describeReplicas(cluster, twoBad.handle(), twoChunk) + "\n" + cluster.logs());
    System.out.printf("3 bad replicas replaced after %d correct reads of each file%n",
        reads.get());
    cluster.awaitHealthy(Duration.ofSeconds(30));
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      assertArrayEquals(one, Faults.read(c, "/rot/one"));
      assertArrayEquals(two, Faults.read(c, "/rot/two"));
      for (String f : List.of("/rot/one", "/rot/two")) {
        for (ChunkInfo ch : Faults.chunks(c, f)) {
          assertEquals(3, ch.replicas().size(), () -> "after repair: " + ch);
        }
      }
    }
  }

  /** The replica file of the {@code i}-th location the master lists for {@code chunk}. */
  private Path replicaFile(ChunkInfo chunk, int i) {
    int server = cluster.chunkserverIndex(chunk.replicas().get(i));
    assertTrue(server >= 0, () -> "no chunkserver at " + chunk.replicas());
    return cluster.chunkserverDir(server).resolve("replicas").resolve(chunk.handle() + ".chunk");
  }

  @Test
  void bitRotFoundByTheScrubberAroundAMasterRestartIsRepaired() throws Exception {
    // A fast scrubber finds the flips without any reader; the master restarts meanwhile, so the
    // reports of the bad replicas race with the chunkservers' re-registration.
    cluster = new ProcessCluster(tmp.resolve("cluster"), Faults.masterFlags(),
        List.of("--scrub-interval", "1s"));
    fault.adopt(cluster);
    cluster.startMaster();
    cluster.startChunkservers(4);
    cluster.awaitLive(4, Duration.ofSeconds(60));
    byte[] file = Faults.data(3 * CHUNK, 23);
    List<ChunkInfo> chunks;
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      Faults.write(c, "/rot/restart", file, false);
      chunks = Faults.chunks(c, "/rot/restart");
    }
    cluster.killMaster();
    Faults.flipByte(cluster.replicaFiles(chunks.get(0).handle()).get(0), 1000);
    cluster.startMaster();
    Faults.flipByte(cluster.replicaFiles(chunks.get(1).handle()).get(1), 2000);
    cluster.awaitLive(4, Duration.ofSeconds(60));
    Faults.flipByte(cluster.replicaFiles(chunks.get(2).handle()).get(2), 3000);

    Wait.until("every chunk back to 3 correct replica files", Duration.ofSeconds(60), () -> {
      for (ChunkInfo ch : chunks) {
        if (!Faults.replicasAre(cluster, ch.handle(), 3, Faults.chunkBytes(file, ch.index()))) {
          return false;
        }
      }
      return true;
    }, () -> describeAll(chunks, file));
    cluster.awaitHealthy(Duration.ofSeconds(30));
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      assertArrayEquals(file, Faults.read(c, "/rot/restart"));
    }
  }

  private String describeAll(List<ChunkInfo> chunks, byte[] file) {
    StringBuilder sb = new StringBuilder();
    for (ChunkInfo ch : chunks) {
      sb.append(Faults.describeReplicas(cluster, ch.handle(), Faults.chunkBytes(file,
          ch.index()))).append('\n');
    }
    try (GranaryClient c = cluster.client(Duration.ofSeconds(5))) {
      sb.append("fsck: ").append(c.fsck("/")).append('\n');
    } catch (Exception e) {
      sb.append("fsck failed: ").append(e).append('\n');
    }
    return sb + cluster.logs();
  }

  /** A failed read is as wrong as a wrong one: a good replica always exists here. */
  private byte[] readOrFail(GranaryClient c, String path) {
    try {
      return Faults.read(c, path);
    } catch (Exception e) {
      throw new AssertionError(path + ": read failed although a good replica exists: " + e
          + "\n" + cluster.logs(), e);
    }
  }
}
