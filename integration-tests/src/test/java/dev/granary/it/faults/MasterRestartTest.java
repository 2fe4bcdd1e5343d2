package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static dev.granary.it.faults.Faults.GC_INTERVAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.it.Cli;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the master right after a put returned: a put that returned is durable (the operation
 * log is forced before the reply), the chunkservers find the restarted master by themselves and
 * re-report their replicas, and every file reads back.
 */
class MasterRestartTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;

  @Test
  void masterKilledRightAfterAPutComesBackWithEveryFile() throws Exception {
    cluster = fault.start(tmp.resolve("cluster"), 3);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("/m/empty", new byte[0]);
    files.put("/m/small", Faults.data(4096, 31));
    files.put("/m/deep/dir/multi", Faults.data(3 * CHUNK + 17, 32));
    files.put("/m/last", Faults.data(2 * CHUNK + 1, 33));
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Faults.write(c, f.getKey(), f.getValue(), false);
      }
      // The last put has just returned: kill -9 at once, nothing flushed politely.
      cluster.killMaster();
    }
    long t0 = System.nanoTime();
    cluster.startMaster();
    // Nobody restarts the chunkservers: they must reconnect and re-register on their own.
    cluster.awaitLive(3, Duration.ofSeconds(60));
    long liveMs = (System.nanoTime() - t0) / 1_000_000;
    cluster.awaitHealthy(Duration.ofSeconds(30));
    System.out.printf("master restarted; 3 chunkservers re-registered %d ms after its start%n",
        liveMs);
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        assertArrayEquals(f.getValue(), Faults.read(c, f.getKey()),
            () -> f.getKey() + " after the master's restart\n" + cluster.logs());
        assertEquals(f.getValue().length, c.stat(f.getKey()).size());
      }
    }
    // The operator's view agrees: `granary cat` of the last file, as a process.
    Cli.Result ls = Cli.run(cluster.masterAddress().toString(), null, "ls", "/m");
    assertEquals(0, ls.code(), () -> ls + "\n" + cluster.logs());
    assertArrayEquals(files.get("/m/last"),
        Cli.runBytes(cluster.masterAddress().toString(), "cat", "/m/last"));
  }

  @Test
  void putInFlightAcrossAMasterRestartKeepsItsReplicas() throws Exception {
    cluster = fault.start(tmp.resolve("cluster"), 3);
    byte[] data = Faults.data(6 * CHUNK + 99, 34);
    int half = 4 * CHUNK;
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      try (OutputStream out = c.create("/m/inflight", Faults.options(false))) {
        out.write(data, 0, half);
        // The first chunks are stored (written, not yet committed) once each has 3 replicas.
        Wait.until("first chunks of the in-flight put stored", Duration.ofSeconds(30),
            () -> replicaFiles().size() >= 3 * 3, cluster::logs);
        Set<Path> inFlight = replicaFiles();
        cluster.killMaster();
        cluster.startMaster();
        cluster.awaitLive(3, Duration.ofSeconds(60));
        // The restarted master has not seen these chunks committed yet; they belong to a write in
        // progress and must survive several GC rounds (GFS §4.4: garbage is what no file and no
        // pending write references).
        Wait.holds("replicas of the put in progress are on disk", GC_INTERVAL.multipliedBy(3),
            () -> replicaFiles().containsAll(inFlight), () -> "missing "
                + missing(inFlight, replicaFilesOrEmpty()) + " after the master restarted\n"
                + cluster.logs());
        out.write(data, half, data.length - half);
      }
      assertArrayEquals(data, Faults.read(c, "/m/inflight"));
      for (ChunkInfo ch : Faults.chunks(c, "/m/inflight")) {
        byte[] expected = Faults.chunkBytes(data, ch.index());
        Wait.until("chunk " + ch.index() + " on 3 disks", Duration.ofSeconds(30),
            () -> Faults.replicasAre(cluster, ch.handle(), 3, expected),
            () -> Faults.describeReplicas(cluster, ch.handle(), expected) + "\n" + cluster.logs());
      }
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));
  }

  private Set<Path> replicaFiles() throws Exception {
    Set<Path> out = new HashSet<>();
    for (int i = 0; i < cluster.chunkserverCount(); i++) {
      Path dir = cluster.chunkserverDir(i).resolve("replicas");
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          s.filter(f -> f.toString().endsWith(".chunk")).forEach(out::add);
        }
      }
    }
    return out;
  }

  private Set<Path> replicaFilesOrEmpty() {
    try {
      return replicaFiles();
    } catch (Exception e) {
      return Set.of();
    }
  }

  private static Set<Path> missing(Set<Path> expected, Set<Path> now) {
    Set<Path> m = new HashSet<>(expected);
    m.removeAll(now);
    return m;
  }
}
