package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.cli.LocalCluster;
import dev.granary.client.ChunkInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes die, bytes rot, the master restarts: data stays readable and the cluster heals. */
class FaultToleranceTest {
  static final int CHUNK = 256 * 1024;
  MiniCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static void write(GranaryClient c, String path, byte[] data) throws Exception {
    try (OutputStream out = c.create(path, WriteOptions.defaults().withChunkSize(CHUNK))) {
      out.write(data);
    }
  }

  static byte[] read(GranaryClient c, String path) throws Exception {
    try (InputStream in = c.open(path)) {
      return in.readAllBytes();
    }
  }

  @Test
  void deadChunkserverIsReplacedAndEveryFileStaysReadable() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(4)
        .withChunkSize(CHUNK));
    GranaryClient c = cluster.client();
    byte[] d = data(6 * CHUNK + 100, 1);
    write(c, "/f", d);
    cluster.cluster().stopChunkserver(0);
    cluster.awaitHealthy(Duration.ofSeconds(30));
    for (ChunkInfo ch : c.statWithChunks("/f").chunks()) {
      assertEquals(3, ch.replicas().size(), "chunk " + ch);
    }
    assertArrayEquals(d, read(c, "/f"));
  }

  @Test
  void corruptReplicasAreNeverServedAndGetReplaced() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkSize(CHUNK));
    GranaryClient c = cluster.client();
    byte[] one = data(CHUNK, 2);
    byte[] two = data(CHUNK, 3);
    write(c, "/one", one);
    write(c, "/two", two);
    String h1 = c.statWithChunks("/one").chunks().get(0).handle();
    String h2 = c.statWithChunks("/two").chunks().get(0).handle();
    List<Path> r1 = cluster.replicaFiles(h1);
    List<Path> r2 = cluster.replicaFiles(h2);
    assertEquals(3, r1.size());
    assertEquals(3, r2.size());
    MiniCluster.flipByte(r1.get(0), 100);
    MiniCluster.flipByte(r2.get(0), 70_000);
    MiniCluster.flipByte(r2.get(1), 200);
    // Several reads so that every replica gets chosen at least once.
    for (int i = 0; i < 6; i++) {
      assertArrayEquals(one, read(c, "/one"));
      assertArrayEquals(two, read(c, "/two"));
    }
    cluster.awaitHealthy(Duration.ofSeconds(30));
  }

  @Test
  void masterRestartKeepsEveryFile() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkSize(CHUNK));
    GranaryClient c = cluster.client();
    byte[] a = data(3 * CHUNK + 1, 4);
    byte[] b = data(10, 5);
    write(c, "/a", a);
    write(c, "/dir/b", b);
    cluster.cluster().restartMaster();
    assertArrayEquals(a, read(c, "/a"));
    assertArrayEquals(b, read(c, "/dir/b"));
    cluster.awaitLive(3, Duration.ofSeconds(20));
    cluster.awaitHealthy(Duration.ofSeconds(20));
  }
}
