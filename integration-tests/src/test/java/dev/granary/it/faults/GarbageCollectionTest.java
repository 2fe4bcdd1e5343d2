package dev.granary.it.faults;

import static dev.granary.it.faults.Faults.CHUNK;
import static dev.granary.it.faults.Faults.GC_INTERVAL;
import static dev.granary.it.faults.Faults.MARGIN;
import static dev.granary.it.faults.Faults.PULSE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.GranaryClient;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** rm of a file or a tree: its replica files leave every chunkserver's disk within gcInterval. */
class GarbageCollectionTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final FaultCluster fault = new FaultCluster();

  ProcessCluster cluster;

  @Test
  void removedFilesLeaveEveryDiskWithinGcInterval() throws Exception {
    cluster = fault.start(tmp.resolve("cluster"), 3);
    byte[] gone = Faults.data(3 * CHUNK + 3, 41);
    byte[] stays = Faults.data(CHUNK + 4, 42);
    try (GranaryClient c = cluster.client(Faults.CLIENT_TIMEOUT)) {
      Faults.write(c, "/gc/gone", gone, false);
      Faults.write(c, "/gc/tree/a", Faults.data(2 * CHUNK, 43), false);
      Faults.write(c, "/gc/tree/sub/b", Faults.data(10, 44), false);
      Faults.write(c, "/gc/stays", stays, false);
      List<String> garbage = new ArrayList<>(Faults.handles(c, "/gc/gone"));
      garbage.addAll(Faults.handles(c, "/gc/tree/a"));
      garbage.addAll(Faults.handles(c, "/gc/tree/sub/b"));
      List<String> kept = Faults.handles(c, "/gc/stays");
      for (String h : garbage) {
        assertEquals(3, cluster.replicaFiles(h).size(), () -> Faults.describeReplicas(cluster, h,
            null));
      }

      c.delete("/gc/gone", false);
      c.delete("/gc/tree", true);
      long t0 = System.nanoTime();
      Wait.until("replicas of removed files gone from every disk", Duration.ofSeconds(30), () ->
          garbage.stream().allMatch(h -> cluster.replicaFiles(h).isEmpty()), () -> {
            StringBuilder sb = new StringBuilder();
            garbage.forEach(h -> sb.append(Faults.describeReplicas(cluster, h, null))
                .append('\n'));
            return sb + cluster.logs();
          });
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long bound = GC_INTERVAL.plus(PULSE.multipliedBy(2)).toMillis();
      System.out.printf("%d replica files of removed files gone from disk %d ms after rm"
          + " (gcInterval %d ms; asserted <= %d ms)%n", 3 * garbage.size(), ms,
          GC_INTERVAL.toMillis(), bound + MARGIN.toMillis());
      assertTrue(ms <= bound + MARGIN.toMillis(), () -> "replicas of removed files stayed "
          + ms + " ms, gcInterval is " + GC_INTERVAL.toMillis() + " ms\n" + cluster.logs());

      for (int i = 0; i < kept.size(); i++) {
        String h = kept.get(i);
        byte[] expected = Faults.chunkBytes(stays, i);
        assertTrue(Faults.replicasAre(cluster, h, 3, expected),
            () -> Faults.describeReplicas(cluster, h, expected));
      }
      assertArrayEquals(stays, Faults.read(c, "/gc/stays"));
    }
  }
}
