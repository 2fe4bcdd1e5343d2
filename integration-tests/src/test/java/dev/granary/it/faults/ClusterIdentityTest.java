package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static dev.granary.it.faults.Faults.CLIENT_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ClusterStatus;
import dev.granary.client.GranaryClient;
import dev.granary.it.Cli;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master started on the wrong data dir (a typo in {@code --data-dir}, another working directory,
 * another cluster's dir) must not take over the chunkservers and garbage-collect what they hold:
 * the cluster id kept on both sides makes them refuse each other, and no replica file goes.
 */
class ClusterIdentityTest {
  /** Longer than the master's start-up delay (deadAfter 3 s) plus a GC interval and grace. */
  private static final Duration WATCH = Duration.ofSeconds(10);

  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  @Test
  void aMasterOnAnEmptyOrAnotherClustersDataDirTakesNoReplica() throws Exception {
    ProcessCluster cluster = fault.start(tmp.resolve("cluster"), 3);
    byte[] data = Faults.data(3 * CHUNK, 41);
    String original;
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      Faults.write(c, "/keep/f", data, false);
      original = c.clusterStatus().clusterId();
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));
    List<Path> before = cluster.allReplicaFiles();
    assertEquals(9, before.size(), "3 chunks x 3 replicas");
    for (int i = 0; i < 3; i++) {
      assertEquals(original, Files.readString(cluster.chunkserverDir(i).resolve("cluster-id"))
          .strip(), "chunkserver " + i + " keeps the cluster it joined");
    }

    // An empty data dir (a typo), then the same dir again once it holds another namespace.
    Path typo = tmp.resolve("typo");
    for (int attempt = 0; attempt < 2; attempt++) {
      cluster.killMaster();
      cluster.startMaster(typo);
      String other = awaitClusterId(cluster);
      assertNotEquals(original, other, "a new data dir is a new cluster");
      // Secured, the two clusters' authorities already refuse each other in the TLS handshake:
      // the chunkserver's ERROR line names both (each authority's name carries its cluster id).
      Wait.until("the chunkservers and the master refusing each other", Duration.ofSeconds(20),
          () -> cluster.secured()
              ? cluster.logs().contains("Granary cluster " + other + " authority")
                  && cluster.logs().contains("not by this cluster's authority CN=Granary cluster "
                      + original + " authority")
              : cluster.logs().contains("belongs to cluster " + original + ", this master")
                  && cluster.logs().contains("refused by master"), cluster::logs);
      Wait.holds("every replica file stays", WATCH, () -> {
        ClusterStatus st = status(cluster);
        assertEquals(0, st.nodes().size(), "no chunkserver joins another cluster");
        return cluster.allReplicaFiles().equals(before);
      }, cluster::logs);
      if (attempt == 0) {
        Cli.Result mkdir = Cli.run(cluster.masterAddress().toString(), null, "mkdir", "/other");
        assertEquals(0, mkdir.code(), mkdir::toString);
      }
    }

    // Back on its own data dir: the chunkservers rejoin by themselves and the file is whole.
    cluster.killMaster();
    cluster.startMaster();
    cluster.awaitLive(3, Duration.ofSeconds(60));
    cluster.awaitHealthy(Duration.ofSeconds(30));
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      assertArrayEquals(data, Faults.read(c, "/keep/f"));
      assertEquals(original, c.clusterStatus().clusterId());
    }
    assertEquals(before, cluster.allReplicaFiles());
    Cli.Result json = Cli.run(cluster.masterAddress().toString(), null, "cluster", "--json");
    assertTrue(json.out().contains("\"clusterId\":\"" + original + "\""), json::toString);
    assertTrue(json.out().contains("\"deletionsHeld\":0"), json::toString);
  }

  @Test
  void aMasterOnAnOldCopyOfItsDataDirHoldsTheDeletionsForAnOperator() throws Exception {
    // A short lease, so the protection of handles a previous incarnation may have handed out
    // (one lease timeout after start-up) does not outlast the test.
    List<String> flags = new java.util.ArrayList<>(Faults.masterFlags());
    flags.addAll(List.of("--lease-timeout", "3s"));
    ProcessCluster cluster = fault.adopt(new ProcessCluster(tmp.resolve("cluster"), flags));
    cluster.startMaster();
    cluster.startChunkservers(3);
    cluster.awaitLive(3, Duration.ofSeconds(60));
    byte[] old = Faults.data(CHUNK / 2, 42);
    byte[] newer = Faults.data(6 * CHUNK, 43);
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      Faults.write(c, "/old", old, false);
    }
    // The operator's backup of the master's data dir, taken with the master stopped.
    Path master = cluster.dir().resolve("master");
    Path backup = tmp.resolve("backup");
    cluster.killMaster();
    copyTree(master, backup);
    cluster.startMaster();
    cluster.awaitLive(3, Duration.ofSeconds(60));
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      Faults.write(c, "/newer", newer, false);
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));
    List<Path> before = cluster.allReplicaFiles();
    assertEquals(21, before.size(), "(1 + 6 chunks) x 3 replicas");

    // The master comes back on the backup: it has never heard of /newer.
    cluster.killMaster();
    deleteTree(master);
    copyTree(backup, master);
    cluster.startMaster();
    Wait.until("the deletion of /newer's replicas held", Duration.ofSeconds(40), () -> {
      Cli.Result r = Cli.run(cluster.masterAddress().toString(), null, "fsck", "--json");
      return r.code() == 0 && r.out().contains("\"deletionsHeld\":18");
    }, cluster::logs);
    Wait.holds("every replica file stays while held", WATCH,
        () -> cluster.allReplicaFiles().equals(before), cluster::logs);
    Cli.Result json = Cli.run(cluster.masterAddress().toString(), null, "cluster", "--json");
    assertTrue(json.out().contains("\"deletionsHeld\":18"), json::toString);

    // The operator keeps them (they restore the right dir next): nothing is deleted, ever.
    Cli.Result discard = Cli.run(cluster.masterAddress().toString(), null, "cluster",
        "discard-deletions");
    assertEquals(0, discard.code(), discard::toString);
    assertTrue(discard.out().contains("discarded 18"), discard::toString);
    Wait.holds("every replica file stays after the discard", WATCH,
        () -> cluster.allReplicaFiles().equals(before), cluster::logs);
    try (GranaryClient c = cluster.client(CLIENT_TIMEOUT)) {
      assertEquals(0, c.fsck("/").deletionsHeld());
      assertArrayEquals(old, Faults.read(c, "/old"));
    }
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static ClusterStatus status(ProcessCluster cluster) throws Exception {
    try (GranaryClient c = GranaryClient.open(cluster.clientConfig(0, 1,
        Duration.ofSeconds(5)))) {
      return c.clusterStatus();
    }
  }

  private static String awaitClusterId(ProcessCluster cluster) {
    String[] id = {null};
    Wait.until("the master to serve", Duration.ofSeconds(30), () -> {
      id[0] = status(cluster).clusterId();
      return true;
    }, cluster::logs);
    return id[0];
  }
}
