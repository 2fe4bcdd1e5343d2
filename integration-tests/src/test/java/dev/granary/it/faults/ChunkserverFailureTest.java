package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static dev.granary.it.faults.Faults.DEAD_AFTER;
import static dev.granary.it.faults.Faults.GC_INTERVAL;
import static dev.granary.it.faults.Faults.MARGIN;
import static dev.granary.it.faults.Faults.MiB;
import static dev.granary.it.faults.Faults.PULSE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import dev.granary.client.WriteOptions;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunkserver dies (kill -9): when idle, in the middle of a put, in the middle of a streamed
 * read, and when it comes back with its old disk after its chunks were copied elsewhere. Real {@code bin/granary} processes.
 */
class ChunkserverFailureTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;
  GranaryClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
  }

  private void start(int chunkservers) throws Exception {
    cluster = fault.start(tmp.resolve("cluster"), chunkservers);
    client = cluster.client(Faults.CLIENT_TIMEOUT);
  }

  /** Files of 0 bytes to 6 chunks, some ending on a chunk boundary. */
  private Map<String, byte[]> writeFiles(String dir) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    int[] sizes = {0, 100, CHUNK, 3 * CHUNK + CHUNK / 2, 6 * CHUNK + 77};
    for (int i = 0; i < sizes.length; i++) {
      byte[] d = Faults.data(sizes[i], 100 + i);
      String path = dir + "/f" + i;
      Faults.write(client, path, d, false);
      files.put(path, d);
    }
    return files;
  }

  /** Kills chunkserver {@code victim} and returns how long the master took to call it DEAD. */
  private long killAndMeasureDeath(int victim) throws Exception {
    try (GranaryClient probe = cluster.client(Duration.ofSeconds(3))) {
      assertEquals("LIVE", Faults.node(probe, cluster, victim).state());
      long t0 = System.nanoTime();
      cluster.killChunkserver(victim);
      Wait.until("chunkserver " + victim + " DEAD", Duration.ofSeconds(30), () -> {
        NodeStatus n = Faults.node(probe, cluster, victim);
        return n != null && n.state().equals("DEAD");
      }, cluster::logs);
      return (System.nanoTime() - t0) / 1_000_000;
    }
  }

  /** Waits until every chunk of {@code files} has 3 replicas on running chunkservers. */
  private void awaitFullyReplicated(Map<String, byte[]> files, Duration timeout) {
    Wait.until("every chunk back to 3 live replicas", timeout, () -> {
      for (String p : files.keySet()) {
        for (ChunkInfo ch : Faults.chunks(client, p)) {
          if (ch.replicas().size() != 3) {
            return false;
          }
          for (String r : ch.replicas()) {
            int i = cluster.chunkserverIndex(r);
            if (i < 0 || !cluster.chunkserverRunning(i)) {
              return false;
            }
          }
        }
      }
      return true;
    }, () -> describe(files));
  }

  private String describe(Map<String, byte[]> files) {
    StringBuilder sb = new StringBuilder();
    try {
      for (String p : files.keySet()) {
        sb.append(p).append(": ").append(Faults.chunks(client, p)).append('\n');
      }
    } catch (Exception e) {
      sb.append("(stat failed: ").append(e).append(")\n");
    }
    return sb + cluster.logs();
  }

  private void assertReadBack(Map<String, byte[]> files) throws Exception {
    try (GranaryClient fresh = cluster.client(Faults.CLIENT_TIMEOUT)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        assertArrayEquals(f.getValue(), Faults.read(fresh, f.getKey()),
            () -> f.getKey() + " differs after the failure\n" + cluster.logs());
      }
    }
  }

  @Test
  void killedChunkserverIsDeadInTimeAndItsChunksAreReReplicated() throws Exception {
    start(4);
    Map<String, byte[]> files = writeFiles("/dead");
    int victim = Faults.busiestChunkserver(client, cluster, List.copyOf(files.keySet()));

    long ms = killAndMeasureDeath(victim);
    long bound = DEAD_AFTER.plus(PULSE.multipliedBy(2)).toMillis();
    System.out.printf("chunkserver %d marked DEAD %d ms after kill -9 (promised <= %d ms,"
        + " asserted <= %d ms)%n", victim, ms, bound, bound + MARGIN.toMillis());
    assertTrue(ms <= bound + MARGIN.toMillis(), () -> "DEAD after " + ms + " ms, promised "
        + bound + " ms (deadAfter + 2 pulses)\n" + cluster.logs());

    awaitFullyReplicated(files, Duration.ofSeconds(30));
    cluster.awaitHealthy(Duration.ofSeconds(30));
    for (String p : files.keySet()) {
      List<ChunkInfo> chunks = Faults.chunks(client, p);
      for (ChunkInfo ch : chunks) {
        byte[] expected = Faults.chunkBytes(files.get(p), ch.index());
        // The dead node's disk still holds its old copy: 3 on the living plus that one at most.
        List<Path> onLiving = new ArrayList<>(cluster.replicaFiles(ch.handle()));
        onLiving.removeIf(f -> f.startsWith(cluster.chunkserverDir(victim)));
        assertEquals(3, onLiving.size(), () -> Faults.describeReplicas(cluster, ch.handle(),
            expected));
        for (Path f : onLiving) {
          assertArrayEquals(expected, Files.readAllBytes(f), () -> f + " of " + p);
        }
      }
    }
    assertReadBack(files);
  }

  @Test
  void chunkserverKilledDuringMultiChunkPutDoesNotFailThePut() throws Exception {
    start(4);
    byte[] big = Faults.data(40 * MiB + 12345, 7);
    int cut = 12 * MiB;
    int victim = -1;
    try (OutputStream out = client.create("/mid/big", Faults.options(false))) {
      out.write(big, 0, cut);
      // Up to `parallelism` chunks are on their way now; a node with replicas in tmp/ is in one of
      // those pipelines. Kill the one with the most.
      long most = -1;
      for (int i = 0; i < cluster.chunkserverCount(); i++) {
        long n = countFiles(cluster.chunkserverDir(i).resolve("tmp"));
        if (n > most) {
          most = n;
          victim = i;
        }
      }
      cluster.killChunkserver(victim);
      System.out.printf("killed chunkserver %d with %d replica files in flight, after %d MiB of"
          + " %d MiB%n", victim, most, cut / MiB, big.length / MiB);
      out.write(big, cut, big.length - cut);
    }
    List<ChunkInfo> chunks = Faults.chunks(client, "/mid/big");
    assertEquals(41, chunks.size());
    for (ChunkInfo ch : chunks) {
      assertTrue(ch.replicas().size() >= 2, () -> "chunk below minReplicas: " + ch);
    }
    Map<String, byte[]> files = Map.of("/mid/big", big);
    assertReadBack(files);
    awaitFullyReplicated(files, Duration.ofSeconds(60));
    cluster.awaitHealthy(Duration.ofSeconds(30));
    assertReadBack(files);
  }

  @Test
  void chunkserverKilledWhileAFileStreamsFromItFailsOverMidRead() throws Exception {
    start(3);
    // 16 MiB chunks, so the chunk being read is far larger than what the sockets buffer ahead.
    int chunk = 16 * MiB;
    byte[] big = Faults.data(3 * chunk + 4321, 8);
    try (OutputStream out = client.create("/stream/big", new WriteOptions(3, false, chunk))) {
      out.write(big);
    }
    String head = Faults.chunks(client, "/stream/big").get(0).replicas().get(0);
    int victim = cluster.chunkserverIndex(head);
    byte[] got = new byte[big.length];
    try (GranaryClient reader = cluster.client(Faults.CLIENT_TIMEOUT);
        InputStream in = reader.open("/stream/big")) {
      int n = in.readNBytes(got, 0, MiB);
      assertEquals(MiB, n);
      // The first chunk streams from its head, the first replica listed: kill it mid-chunk.
      cluster.killChunkserver(victim);
      n += in.readNBytes(got, n, big.length - n);
      assertEquals(big.length, n);
      assertEquals(-1, in.read());
    }
    assertArrayEquals(big, got, () -> "bytes differ after failing over\n" + cluster.logs());
  }

  private static long countFiles(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void returningChunkserverLosesItsExcessAndStaleReplicas() throws Exception {
    start(4);
    byte[] keep = Faults.data(3 * CHUNK + 5, 11);
    byte[] deleted = Faults.data(2 * CHUNK, 12);
    byte[] replacedOld = Faults.data(2 * CHUNK + 9, 13);
    byte[] replacedNew = Faults.data(CHUNK + 1, 14);
    Faults.write(client, "/back/keep", keep, false);
    Faults.write(client, "/back/deleted", deleted, false);
    Faults.write(client, "/back/replaced", replacedOld, false);
    List<String> paths = List.of("/back/keep", "/back/deleted", "/back/replaced");
    int victim = Faults.busiestChunkserver(client, cluster, paths);
    List<String> deletedHandles = Faults.handles(client, "/back/deleted");
    List<String> replacedHandles = Faults.handles(client, "/back/replaced");
    Map<String, byte[]> keepChunks = new LinkedHashMap<>();
    for (ChunkInfo ch : Faults.chunks(client, "/back/keep")) {
      keepChunks.put(ch.handle(), Faults.chunkBytes(keep, ch.index()));
    }
    List<String> staleOnVictim = new ArrayList<>();
    for (String h : concat(deletedHandles, replacedHandles)) {
      if (cluster.replicaFiles(h).stream().anyMatch(f -> f.startsWith(
          cluster.chunkserverDir(victim)))) {
        staleOnVictim.add(h);
      }
    }
    long excessOnVictim = keepChunks.keySet().stream().filter(h -> cluster.replicaFiles(h)
        .stream().anyMatch(f -> f.startsWith(cluster.chunkserverDir(victim)))).count();
    assertTrue(!staleOnVictim.isEmpty() && excessOnVictim > 0, "chunkserver " + victim
        + " should hold replicas of every kind; stale " + staleOnVictim + ", excess "
        + excessOnVictim);

    killAndMeasureDeath(victim);
    awaitFullyReplicated(Map.of("/back/keep", keep), Duration.ofSeconds(30));
    // While it is away, one file is deleted and one replaced: its copies of them become stale.
    client.delete("/back/deleted", false);
    Faults.write(client, "/back/replaced", replacedNew, true);
    for (ChunkInfo ch : Faults.chunks(client, "/back/replaced")) {
      keepChunks.put(ch.handle(), Faults.chunkBytes(replacedNew, ch.index()));
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));

    long t0 = System.nanoTime();
    cluster.startChunkserver(victim);
    cluster.awaitLive(4, Duration.ofSeconds(30));
    Wait.until("every live chunk on exactly 3 disks, stale replicas gone", Duration.ofSeconds(30),
        () -> {
          for (Map.Entry<String, byte[]> e : keepChunks.entrySet()) {
            if (!Faults.replicasAre(cluster, e.getKey(), 3, e.getValue())) {
              return false;
            }
          }
          for (String h : concat(deletedHandles, replacedHandles)) {
            if (!cluster.replicaFiles(h).isEmpty()) {
              return false;
            }
          }
          return true;
        }, () -> {
          StringBuilder sb = new StringBuilder();
          keepChunks.forEach((h, b) -> sb.append(Faults.describeReplicas(cluster, h, b))
              .append('\n'));
          for (String h : concat(deletedHandles, replacedHandles)) {
            sb.append("stale ").append(Faults.describeReplicas(cluster, h, null)).append('\n');
          }
          return sb + cluster.logs();
        });
    System.out.printf("chunkserver %d returned with %d stale and %d excess replicas; trimmed in"
        + " %d ms (gcInterval %d ms)%n", victim, staleOnVictim.size(), excessOnVictim,
        (System.nanoTime() - t0) / 1_000_000, GC_INTERVAL.toMillis());
    cluster.awaitHealthy(Duration.ofSeconds(30));
    assertEquals(0, client.fsck("/").overReplicated(), () -> cluster.logs());
    assertReadBack(Map.of("/back/keep", keep, "/back/replaced", replacedNew));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
