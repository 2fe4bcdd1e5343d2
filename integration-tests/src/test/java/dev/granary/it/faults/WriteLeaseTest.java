package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static dev.granary.it.faults.Faults.GC_INTERVAL;
import static dev.granary.it.faults.Faults.MARGIN;
import static dev.granary.it.faults.Faults.PULSE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.client.GranaryClient;
import dev.granary.it.ChildJvm;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write leases with real processes (lease timeout 3 s, GC every 2 s, 1 MiB chunks): a {@code put -}
 * whose input pauses far longer than the lease (and than the old fixed pending lifetime, scaled)
 * keeps its chunks and commits whole; a {@code put} killed with -9 mid-upload has its replica files
 * collected from the chunkservers' disks once its lease has expired.
 */
class WriteLeaseTest {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration PAUSE = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  private ProcessCluster start() throws IOException {
    List<String> flags = new ArrayList<>(Faults.masterFlags());
    flags.addAll(List.of("--lease-timeout", LEASE.toSeconds() + "s"));
    ProcessCluster cluster = new ProcessCluster(dir, flags);
    try {
      cluster.startMaster();
      cluster.startChunkservers(3);
      cluster.awaitLive(3, Duration.ofSeconds(60));
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private static Process put(ProcessCluster cluster, String path) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(ProcessCluster.launcher().toString(), "put", "-", path,
        "--master", cluster.masterAddress().toString()).redirectErrorStream(true)
        .redirectOutput(cluster.dir().resolve("put" + path.replace('/', '-') + ".log").toFile());
    if (cluster.secured()) {
      pb.environment().put("GRANARY_CREDENTIALS", cluster.adminCredentials().toString());
    }
    return ChildJvm.configure(pb).start();
  }

  /** Every replica file on every chunkserver's disk. */
  private static List<Path> replicaFiles(ProcessCluster cluster) throws IOException {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < cluster.chunkserverCount(); i++) {
      Path replicas = cluster.chunkserverDir(i).resolve("replicas");
      if (Files.isDirectory(replicas)) {
        try (Stream<Path> s = Files.list(replicas)) {
          s.filter(p -> p.getFileName().toString().endsWith(".chunk")).forEach(out::add);
        }
      }
    }
    return out;
  }

  /**
   * Feeds a put's input 1.5 chunks of {@code data} and waits until chunk 0 is on its three
   * replicas (chunk 1 is still filling: nothing of it is sent); returns their files.
   */
  private static List<Path> feedAChunkAndAHalf(ProcessCluster cluster, OutputStream in,
      byte[] data) throws IOException {
    in.write(data, 0, CHUNK * 3 / 2);
    in.flush();
    Wait.until("chunk 0 stored on its three replicas", Duration.ofSeconds(30),
        () -> replicaFiles(cluster).size() == 3);
    return replicaFiles(cluster);
  }

  private static String putLog(ProcessCluster cluster, String path) throws IOException {
    Path log = cluster.dir().resolve("put" + path.replace('/', '-') + ".log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  @Test
  void aSlowWriterKeepsItsChunksAndItsFileReadsBackWhole() throws Exception {
    try (ProcessCluster cluster = start()) {
      byte[] data = Faults.data(CHUNK * 5 / 2, 71);
      Process put = put(cluster, "/slow");
      OutputStream in = put.getOutputStream();
      List<Path> chunk0 = feedAChunkAndAHalf(cluster, in, data);
      // The writer pauses for five lease timeouts: its client renews, nothing is collected.
      Wait.holds("chunk 0's replicas stay on disk while the writer pauses", PAUSE,
          () -> Stream.of(chunk0.toArray(Path[]::new)).allMatch(Files::exists),
          () -> cluster.logs());
      in.write(data, CHUNK * 3 / 2, data.length - CHUNK * 3 / 2);
      in.close();
      if (!put.waitFor(60, TimeUnit.SECONDS)) {
        put.destroyForcibly();
        throw new AssertionError("put did not finish\n" + putLog(cluster, "/slow"));
      }
      assertEquals(0, put.exitValue(), putLog(cluster, "/slow") + cluster.logs());
      try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
        assertArrayEquals(data, Faults.read(c, "/slow"), "the slow file reads back whole");
        assertEquals("HEALTHY", c.fsck("/").status());
      }
    }
  }

  @Test
  void aKilledWritersReplicasLeaveTheDisksAfterItsLease() throws Exception {
    try (ProcessCluster cluster = start()) {
      byte[] data = Faults.data(CHUNK * 3 / 2, 72);
      Process put = put(cluster, "/killed");
      List<Path> orphans = feedAChunkAndAHalf(cluster, put.getOutputStream(), data);
      put.destroyForcibly(); // SIGKILL: no abort, no goodbye
      put.waitFor(10, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      // Lease expiry, then a GC pass, a pulse to carry the DELETE, and slack for a loaded machine.
      Duration bound = LEASE.plus(GC_INTERVAL.multipliedBy(2)).plus(PULSE.multipliedBy(2))
          .plus(MARGIN.multipliedBy(5));
      Wait.until("the killed writer's replica files are deleted", bound,
          () -> replicaFiles(cluster).isEmpty(), () -> orphans + "\n" + cluster.logs());
      System.out.printf("killed writer: %d replica files gone %d ms after kill -9 (lease %d ms)%n",
          orphans.size(), (System.nanoTime() - t0) / 1_000_000, LEASE.toMillis());
    }
  }
}
