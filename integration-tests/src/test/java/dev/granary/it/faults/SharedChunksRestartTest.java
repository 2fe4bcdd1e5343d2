package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static dev.granary.it.faults.Faults.GC_INTERVAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.GranaryClient;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a master whose image holds kept versions, a snapshot and trash entries, written to a
 * checkpoint and (for the last change) only to the operation log: the restarted master rebuilds
 * them from both, every byte they hold reads back, none of their chunks is collected from the
 * disks over several GC rounds, the version dropped just before the kill is freed, and holder
 * counts rebuilt at load free a chunk exactly when its last holder goes.
 */
class SharedChunksRestartTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;

  private static byte[] read(GranaryClient c, String path, long version) throws Exception {
    try (InputStream in = c.open(path, version)) {
      return in.readAllBytes();
    }
  }

  /** Whether some checkpoint file of the master holds a line with each of {@code fragments}. */
  private boolean checkpointHolds(List<String> fragments) throws Exception {
    try (Stream<Path> s = Files.list(tmp.resolve("cluster/master"))) {
      for (Path p : s.filter(f -> f.getFileName().toString().startsWith("checkpoint-")
          && f.toString().endsWith(".json")).toList()) {
        String text;
        try {
          text = Files.readString(p);
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // replaced by a newer checkpoint meanwhile
        }
        if (fragments.stream().allMatch(text::contains)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Checks throughout {@code window} that every one of {@code handles} has 3 replica files. */
  private void assertAllReplicas(Set<String> handles, Duration window) {
    Wait.holds("every chunk of the versions, snapshot and trash keeps 3 replica files",
        window, () -> handles.stream()
            .allMatch(h -> cluster.replicaFiles(h).size() == 3), () -> {
              StringBuilder sb = new StringBuilder();
              handles.forEach(h -> sb.append(h).append(": ")
                  .append(cluster.replicaFiles(h).size()).append('\n'));
              return sb + cluster.logs();
            });
  }

  private void awaitFreed(Set<String> handles, String what) {
    Wait.until(what, Duration.ofSeconds(30),
        () -> handles.stream().allMatch(h -> cluster.replicaFiles(h).isEmpty()), cluster::logs);
  }

  @Test
  void versionsSnapshotAndTrashSurviveACheckpointAndAKillNine() throws Exception {
    List<String> flags = new ArrayList<>(Faults.masterFlags());
    flags.addAll(List.of("--checkpoint-ops", "5"));
    cluster = fault.adopt(ProcessCluster.started(tmp.resolve("cluster"), flags, 3));
    byte[] a = Faults.data(2 * CHUNK + 1, 90);
    byte[] b = Faults.data(CHUNK + 2, 91);
    byte[] cc = Faults.data(300, 92);
    byte[] d = Faults.data(CHUNK, 93);
    Map<String, byte[]> snapFiles = new LinkedHashMap<>();
    snapFiles.put("/r/s/x", Faults.data(1000, 94));
    snapFiles.put("/r/s/sub/y", Faults.data(CHUNK + 5, 95));
    snapFiles.put("/r/s/big", Faults.data(3 * CHUNK, 96));
    byte[] bigNow = Faults.data(CHUNK / 2, 97);
    byte[] g = Faults.data(4096, 98);
    Set<String> held = new LinkedHashSet<>();
    List<String> versionOne;
    List<String> ys;
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      c.mkdirs("/r", true);
      c.setPolicy("/r", PolicyChange.none().keepVersions(2).trash(Duration.ofHours(1)));
      Faults.write(c, "/r/f", a, false);
      versionOne = Faults.handles(c, "/r/f");
      Faults.write(c, "/r/f", b, true);
      held.addAll(Faults.handles(c, "/r/f"));
      Faults.write(c, "/r/f", cc, true);
      held.addAll(Faults.handles(c, "/r/f"));
      for (Map.Entry<String, byte[]> e : snapFiles.entrySet()) {
        Faults.write(c, e.getKey(), e.getValue(), false);
        held.addAll(Faults.handles(c, e.getKey()));
      }
      ys = Faults.handles(c, "/r/s/sub/y");
      c.createSnapshot("/r/s", "snap");
      assertTrue(c.delete("/r/s/sub", true).trashed());
      Faults.write(c, "/r/s/big", bigNow, true);
      held.addAll(Faults.handles(c, "/r/s/big"));
      Faults.write(c, "/r/g", g, false);
      held.addAll(Faults.handles(c, "/r/g"));
      assertTrue(c.delete("/r/g", false).trashed());

      // A checkpoint that holds all three, then one more change only the log holds: the fourth
      // put drops version 1. kill -9 right after it returned.
      int[] pad = {0};
      Wait.until("a checkpoint holding the versions, the snapshot and the trash",
          Duration.ofSeconds(30), () -> {
            c.mkdirs("/pad/" + pad[0]++, true);
            return checkpointHolds(List.of("\"fv\":\"/r/f\"", "\"snap\":\"/r/s\"",
                "\"trash\":\"admin\""));
          }, cluster::logs);
      Faults.write(c, "/r/f", d, true);
      held.addAll(Faults.handles(c, "/r/f"));
      cluster.killMaster();
    }

    cluster.startMaster();
    cluster.awaitLive(3, Duration.ofSeconds(60));
    String loaded = loadedLine();
    Matcher m = Pattern.compile("checkpoint seq (\\d+), (\\d+) log records replayed")
        .matcher(loaded);
    assertTrue(m.find() && Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(2)) > 0,
        "loaded from a checkpoint and a log tail: " + loaded);

    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      assertEquals(List.of(4L, 3L, 2L), c.versions("/r/f").stream().map(v -> v.version())
          .toList());
      assertArrayEquals(d, read(c, "/r/f", 4));
      assertArrayEquals(cc, read(c, "/r/f", 3));
      assertArrayEquals(b, read(c, "/r/f", 2));
      assertEquals(List.of("snap"), c.snapshots("/r/s").stream().map(SnapshotInfo::name)
          .toList());
      for (Map.Entry<String, byte[]> e : snapFiles.entrySet()) {
        String old = "/r/s/.snapshot/snap" + e.getKey().substring("/r/s".length());
        assertArrayEquals(e.getValue(), Faults.read(c, old), old);
      }
      assertArrayEquals(bigNow, Faults.read(c, "/r/s/big"));
      assertArrayEquals(snapFiles.get("/r/s/big"), read(c, "/r/s/big", 1), "big's kept version");
      assertEquals(Set.of("/r/s/sub", "/r/g"), Set.copyOf(c.trash().stream()
          .map(TrashEntry::path).toList()));

      // Nothing they hold is collected, across the restarted master's first GC rounds.
      // (A restarted master deletes unknown replicas after max(deadAfter, gcInterval) and a GC
      // round: watch past that.)
      assertAllReplicas(held, Faults.DEAD_AFTER.plus(GC_INTERVAL.multipliedBy(2)));
      // Version 1 was dropped by the put the log alone holds: its replicas go.
      awaitFreed(Set.copyOf(versionOne), "version 1's chunks freed");

      c.restoreFromTrash("/r/g");
      assertArrayEquals(g, Faults.read(c, "/r/g"));
      // The rebuilt counts: y is held by the snapshot and the trash entry; each holder alone
      // keeps it, the last one frees it.
      c.deleteSnapshot("/r/s", "snap");
      assertAllReplicas(Set.copyOf(ys), Duration.ofSeconds(1));
      c.emptyTrash();
      awaitFreed(Set.copyOf(ys), "y's chunks once the snapshot and the trash entry went");
      assertArrayEquals(snapFiles.get("/r/s/big"), read(c, "/r/s/big", 1));
      assertArrayEquals(snapFiles.get("/r/s/x"), Faults.read(c, "/r/s/x"));
    }
  }

  /** The restarted master's "loaded metadata" log line. */
  private String loadedLine() throws Exception {
    Wait.until("the restarted master's load line", Duration.ofSeconds(30),
        () -> !lastMasterLog().isEmpty(), cluster::logs);
    return lastMasterLog();
  }

  private String lastMasterLog() throws Exception {
    try (Stream<Path> s = Files.list(cluster.dir())) {
      Path last = s.filter(p -> p.getFileName().toString().startsWith("master-"))
          .max((x, y) -> Integer.compare(counter(x), counter(y))).orElseThrow();
      return Files.readAllLines(last).stream().filter(l -> l.contains("loaded metadata"))
          .findFirst().orElse("");
    }
  }

  private static int counter(Path log) {
    String n = log.getFileName().toString();
    return Integer.parseInt(n.substring("master-".length(), n.length() - ".log".length()));
  }
}
