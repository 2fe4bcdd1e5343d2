package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.client.BalanceStatus;
import dev.granary.client.ChunkInfo;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rebalancing: an empty chunkserver added to a loaded cluster is filled until every node is
 * within the threshold, and no chunk is ever below its goal meanwhile.
 */
class BalanceTest {
  static final int CHUNK = 1 << 20;
  MiniCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anEmptyNodeIsFilledUntilEveryNodeIsWithinTheThreshold() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(3)
        .withChunkSize(CHUNK).withCapacity(128L << 20));
    GranaryClient c = cluster.client();
    List<byte[]> files = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      byte[] d = FaultToleranceTest.data(10 * CHUNK - 1000 * i, 40 + i);
      FaultToleranceTest.write(c, "/f" + i, d);
      files.add(d);
    }
    // Every node holds every chunk (replication 3 on 3 nodes): ~47% used each.
    int added = cluster.cluster().addChunkserver();
    cluster.awaitLive(4, Duration.ofSeconds(30));
    Wait.until("the new node's capacity known to the balancer", Duration.ofSeconds(30),
        () -> c.balance(0, false).nodes().size() == 4);
    BalanceStatus before = c.balance(0, false);
    assertTrue(!before.balanced(), "an empty node among ~47% full ones: " + before);

    BalanceStatus started = c.balance(5, true);
    assertEquals(5, started.thresholdPct());
    Wait.until("every node within 5 points of the cluster's used fraction, no move in flight",
        Duration.ofSeconds(90), () -> {
          FsckReport f = c.fsck("/");
          assertEquals(0, f.underReplicated(), "a chunk below its goal while balancing: " + f);
          assertEquals(0, f.missing(), f.toString());
          BalanceStatus st = c.balance(0, false);
          return !st.passRunning() && st.balanced() && st.movesInFlight() == 0;
        });
    BalanceStatus after = c.balance(0, false);
    assertTrue(after.bytesMoved() > 0, after.toString());
    String newNode = cluster.chunkserver(added).nodeId();
    BalanceStatus.Node filled = after.nodes().stream().filter(n -> n.id().equals(newNode))
        .findFirst().orElseThrow();
    // Within the pass's 5 points, give or take a chunk (1 MiB of 128 MiB) the pulses lag by.
    assertTrue(filled.usedPct() >= after.usedPct() - 6, "the new node: " + filled + " in "
        + after);
    assertEquals(10, after.thresholdPct(), "the pass ended: the configured threshold again");
    cluster.awaitHealthy(Duration.ofSeconds(30));
    for (int i = 0; i < files.size(); i++) {
      assertArrayEquals(files.get(i), FaultToleranceTest.read(c, "/f" + i), "/f" + i);
      for (ChunkInfo ch : c.statWithChunks("/f" + i).chunks()) {
        assertEquals(3, new HashSet<>(ch.replicas()).size(), "three distinct nodes: " + ch);
      }
    }
  }
}
