package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.it.Cli;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica file that disappears or shrinks behind a chunkserver's back (a faulty disk, a mistaken
 * cleanup, a restored backup): the chunkserver's next scrub pass notices it with a directory/stat
 * pass, drops it and tells the master at once, and the master re-creates the replica from a good
 * copy. Before this, fsck kept saying HEALTHY with 3 replicas while only 2 files existed.
 */
class ReplicaFileLossTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SCRUB_INTERVAL = Duration.ofSeconds(2);
  /** One scrub interval to notice, a pass's own time, the report: generous on a busy machine. */
  private static final Duration NOTICED_WITHIN = SCRUB_INTERVAL.multipliedBy(5);
  private static final Duration REPAIRED_WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;

  private ProcessCluster start() throws IOException {
    cluster = fault.adopt(new ProcessCluster(tmp.resolve("cluster"), Faults.masterFlags(),
        List.of("--scrub-interval", SCRUB_INTERVAL.toSeconds() + "s")));
    cluster.startMaster();
    // Three nodes for three replicas: the only place to re-create a lost replica is the very
    // node that lost it.
    cluster.startChunkservers(3);
    cluster.awaitLive(3, Duration.ofSeconds(60));
    return cluster;
  }

  @Test
  void aDeletedReplicaFileIsReportedAndReCreated() throws Exception {
    start();
    byte[] file = putTwoChunks("/loss/deleted", 31);
    String handle = handles("/loss/deleted").get(0);
    Path victim = cluster.replicaFiles(handle).get(1);
    Files.delete(victim);
    assertEquals(5, chunkFiles().size());

    awaitReportedThenRepaired(handle, Faults.chunkBytes(file, 0));
    assertTrue(Files.exists(victim), "re-created on the node that lost it (the only one free)");
    assertArrayEquals(file, get("/loss/deleted"));
  }

  @Test
  void aTruncatedReplicaFileIsQuarantinedReportedAndReCreated() throws Exception {
    start();
    byte[] file = putTwoChunks("/loss/truncated", 32);
    String handle = handles("/loss/truncated").get(1);
    Path victim = cluster.replicaFiles(handle).get(0);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.setLength(CHUNK / 2);
      f.getFD().sync();
    }

    awaitReportedThenRepaired(handle, Faults.chunkBytes(file, 1));
    Path quarantine = victim.getParent().resolveSibling("quarantine");
    try (Stream<Path> s = Files.list(quarantine)) {
      List<String> kept = s.map(p -> p.getFileName().toString()).toList();
      assertTrue(kept.stream().anyMatch(n -> n.startsWith(handle) && n.endsWith(".chunk")),
          () -> "the truncated file is kept in " + quarantine + ": " + kept);
    }
    assertArrayEquals(file, get("/loss/truncated"));
  }

  /** Puts 2 MiB (two 1 MiB chunks) with the CLI, as an operator would, and checks it is HEALTHY. */
  private byte[] putTwoChunks(String remote, long seed) throws Exception {
    byte[] file = Faults.data(2 * CHUNK, seed);
    Path local = tmp.resolve("put-" + seed);
    Files.write(local, file);
    Cli.Result put = cli("put", local.toString(), remote);
    assertEquals(0, put.code(), put::toString);
    assertEquals("HEALTHY", fsckJson().get("status").asText());
    assertEquals(6, chunkFiles().size(), () -> "replica files: " + chunkFiles());
    return file;
  }

  /**
   * The loss must show in fsck (it is polled closely, because the master may repair it in well
   * under a second once told), then fsck must be HEALTHY again with 6 replica files and 3 correct
   * copies of the damaged chunk.
   */
  private void awaitReportedThenRepaired(String handle, byte[] chunk) throws Exception {
    List<String> statuses = new ArrayList<>();
    try (GranaryClient c = cluster.client(Duration.ofSeconds(5))) {
      long deadline = System.nanoTime() + NOTICED_WITHIN.toNanos();
      while (true) {
        FsckReport r = c.fsck("/");
        if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(r.status())) {
          statuses.add(r.status());
        }
        if (!r.status().equals("HEALTHY")) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("fsck still HEALTHY " + NOTICED_WITHIN.toMillis()
              + " ms after a replica file of " + handle + " was damaged: " + r + "\n"
              + Faults.describeReplicas(cluster, handle, chunk) + "\n" + cluster.logs());
        }
        Thread.sleep(20); // polling interval of a deadline-bounded wait
      }
    }
    Wait.until("fsck HEALTHY again with 6 replica files", REPAIRED_WITHIN,
        () -> fsckJson().get("status").asText().equals("HEALTHY") && chunkFiles().size() == 6
            && Faults.replicasAre(cluster, handle, 3, chunk),
        () -> "fsck went " + statuses + "\n" + Faults.describeReplicas(cluster, handle, chunk)
            + "\n" + cluster.logs());
    System.out.printf("replica of %s lost, reported (fsck %s) and re-created%n", handle,
        statuses);
  }

  private List<String> handles(String remote) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode ch : JSON.readTree(cli("stat", remote, "--json").out()).get("chunks")) {
      out.add(ch.get("handle").asText());
    }
    assertEquals(2, out.size(), out::toString);
    return out;
  }

  private JsonNode fsckJson() throws Exception {
    Cli.Result r = cli("fsck", "--json");
    // fsck answers 0 whatever the cluster's state: the status is in its output.
    assertEquals(0, r.code(), r::toString);
    return JSON.readTree(r.out());
  }

  private byte[] get(String remote) throws Exception {
    return Cli.runBytes(cluster.masterAddress().toString(), "cat", remote);
  }

  private Cli.Result cli(String... args) throws Exception {
    return Cli.run(cluster.masterAddress().toString(), null, args);
  }

  /** Every replica file on every chunkserver's disk. */
  private List<Path> chunkFiles() {
    List<Path> all = new ArrayList<>();
    for (int i = 0; i < cluster.chunkserverCount(); i++) {
      try (Stream<Path> s = Files.list(cluster.chunkserverDir(i).resolve("replicas"))) {
        s.filter(p -> p.getFileName().toString().endsWith(".chunk")).forEach(all::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }
}
