package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.CHUNK;
import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.CacheStats;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryIOException;
import dev.granary.client.IntegrityException;
import dev.granary.client.UnavailableException;
import dev.granary.client.fake.FakeChunkserver;
import dev.granary.client.fake.FakeCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Random reads, replica failover on corruption and on a dead server, and the block cache. */
class ReadTest {
  private FakeCluster cluster;
  private GranaryClient client;

  @BeforeEach
  void start() {
    cluster = new FakeCluster(3);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    cluster.close();
  }

  private byte[] write(String path, int size, long seed, boolean overwrite) throws Exception {
    byte[] data = TestData.random(size, seed);
    try (OutputStream out = client.create(path, OPTIONS.withOverwrite(overwrite))) {
      out.write(data);
    }
    return data;
  }

  private byte[] read(String path) throws Exception {
    try (InputStream in = client.open(path)) {
      return TestData.readAll(in);
    }
  }

  @Test
  void randomReadsThroughTheChannel() throws Exception {
    client = TestData.client(cluster, 0);
    int size = (int) (4 * CHUNK + 777);
    byte[] data = write("/r", size, 1, false);
    Random rnd = new Random(42);
    try (SeekableByteChannel ch = client.openChannel("/r")) {
      assertEquals(size, ch.size());
      for (int i = 0; i < 200; i++) {
        int pos = rnd.nextInt(size);
        int len = 1 + rnd.nextInt(i % 10 == 0 ? 300_000 : 5000);
        ByteBuffer buf = ByteBuffer.allocate(len);
        ch.position(pos);
        int n = ch.read(buf);
        int expected = Math.min(len, size - pos);
        assertEquals(expected, n, "read at " + pos);
        assertArrayEquals(Arrays.copyOfRange(data, pos, pos + expected),
            Arrays.copyOf(buf.array(), n));
        assertEquals(pos + n, ch.position());
      }
      ch.position(size);
      assertEquals(-1, ch.read(ByteBuffer.allocate(10)));
      ch.position(size + 100);
      assertEquals(-1, ch.read(ByteBuffer.allocate(10)));
      // Sequential reads through the channel, read-ahead on.
      ch.position(0);
      ByteBuffer all = ByteBuffer.allocate(size);
      while (all.hasRemaining() && ch.read(all) > 0) {
        // keep reading
      }
      assertArrayEquals(data, all.array());
      assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
    }
  }

  @Test
  void corruptReplicaIsReportedAndReadFailsOver() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/c", (int) (2 * CHUNK + 5), 2, false);
    readsFailOverAndReport("/c", data, cluster.master.handles("/c").get(1), 0, 1);
  }

  @Test
  void smallFileWithCorruptReplicasFailsOverAndReports() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/small", 4096, 21, false);
    long handle = cluster.master.handles("/small").get(0);
    readsFailOverAndReport("/small", data, handle, 0, 2);
    cluster.chunkservers.get(1).corrupt(handle);
    GranaryIOException e = assertThrows(GranaryIOException.class, () -> read("/small"));
    assertInstanceOf(IntegrityException.class, e.granaryCause());
  }

  /**
   * Corrupts the replicas of {@code handle} on chunkservers {@code a} and {@code b}: whichever
   * replica the reader picks first (at random among equals), every read returns {@code data}, and
   * only the corrupt ones are reported to the master.
   */
  private void readsFailOverAndReport(String path, byte[] data, long handle, int a, int b)
      throws Exception {
    cluster.chunkservers.get(a).corrupt(handle);
    cluster.chunkservers.get(b).corrupt(handle);
    for (int i = 0; i < 60 && cluster.master.badReplicas.isEmpty(); i++) {
      assertArrayEquals(data, read(path));
    }
    assertTrue(TestData.eventually(Duration.ofSeconds(5),
        () -> cluster.master.badReplicas.stream().anyMatch(r -> r.handle() == handle)));
    List<String> corrupt = List.of("cs-" + a, "cs-" + b);
    cluster.master.badReplicas.forEach(r -> {
      assertEquals(handle, r.handle());
      assertTrue(corrupt.contains(r.nodeId()), r.nodeId());
    });
  }

  @Test
  void smallFileReadsSurviveServersClosingIdleConnections() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/idle", 10_000, 22, false);
    assertArrayEquals(data, read("/idle"));
    int reads = cluster.readRequests();
    cluster.master.dropConnections();
    cluster.chunkservers.forEach(FakeChunkserver::dropConnections);
    assertArrayEquals(data, read("/idle"));
    assertEquals(reads + 1, cluster.readRequests(), "one read request, on a new connection");
    assertTrue(cluster.master.badReplicas.isEmpty());
  }

  @Test
  void smallFileIsOneReadRequestAndCachedWhole() throws Exception {
    client = TestData.client(cluster, 64L << 20);
    int size = 3 * 65536 + 123; // four blocks, one window
    byte[] data = write("/four", size, 23, false);
    int reads = cluster.readRequests();
    assertArrayEquals(data, read("/four"));
    assertEquals(reads + 1, cluster.readRequests());
    assertArrayEquals(data, read("/four"));
    assertEquals(reads + 1, cluster.readRequests(), "second read served by the block cache");
    assertTrue(client.cacheStats().bytesCached() >= size, client.cacheStats().toString());
  }

  @Test
  void everyReplicaCorruptIsAnIntegrityError() throws Exception {
    client = TestData.client(cluster, 0);
    write("/bad", (int) CHUNK, 3, false);
    long handle = cluster.master.handles("/bad").get(0);
    cluster.chunkservers.forEach(c -> c.corrupt(handle));
    GranaryIOException e = assertThrows(GranaryIOException.class, () -> read("/bad"));
    assertInstanceOf(IntegrityException.class, e.granaryCause());
    assertTrue(e.getMessage().contains("/bad"), e.getMessage());
  }

  @Test
  void deadReplicaServerFailsOver() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/d", (int) (3 * CHUNK), 4, false);
    cluster.chunkservers.get(0).stop();
    cluster.chunkservers.get(2).stop();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(data, read("/d"));
    }
    assertTrue(cluster.chunkservers.get(1).readRequests() > 0);
  }

  @Test
  void allReplicaServersDownIsUnavailable() throws Exception {
    client = TestData.client(cluster, 0, Duration.ofMillis(600));
    write("/gone", 1000, 5, false);
    cluster.chunkservers.forEach(FakeChunkserver::stop);
    GranaryIOException e = assertThrows(GranaryIOException.class, () -> read("/gone"));
    assertInstanceOf(UnavailableException.class, e.granaryCause());
  }

  @Test
  void repeatedReadHitsTheCacheAndOverwriteIsNeverStale() throws Exception {
    client = TestData.client(cluster, 64L << 20);
    byte[] first = write("/cached", (int) (2 * CHUNK + 100), 6, false);
    assertArrayEquals(first, read("/cached"));
    int reads = cluster.readRequests();
    CacheStats before = client.cacheStats();
    assertArrayEquals(first, read("/cached"));
    CacheStats after = client.cacheStats();
    assertEquals(reads, cluster.readRequests(), "second read went to a chunkserver");
    assertTrue(after.hits() > before.hits(), after.toString());
    assertTrue(after.bytesCached() >= first.length, after.toString());

    byte[] second = write("/cached", (int) (2 * CHUNK + 100), 7, true);
    assertArrayEquals(second, read("/cached"));
    assertTrue(cluster.readRequests() > reads, "replacement must be read from chunkservers");
  }

  @Test
  void writingAFileForgetsOnlyThatFilesLocations() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] a = write("/loc-a", 70_000, 11, false);
    byte[] b = write("/loc-b", 70_000, 12, false);
    assertArrayEquals(a, read("/loc-a"));
    assertArrayEquals(b, read("/loc-b"));
    CacheStats before = client.cacheStats();
    assertArrayEquals(a, read("/loc-a"));
    CacheStats afterHit = client.cacheStats();
    assertEquals(before.locationMisses(), afterHit.locationMisses(), "locations of /loc-a cached");
    byte[] b2 = write("/loc-b", 90_000, 13, true); // replaces /loc-b: its locations are forgotten
    assertArrayEquals(a, read("/loc-a"));
    CacheStats afterWrite = client.cacheStats();
    assertEquals(afterHit.locationMisses(), afterWrite.locationMisses(),
        "a commit of another file must not drop /loc-a's locations");
    assertArrayEquals(b2, read("/loc-b"));
    assertTrue(client.cacheStats().locationMisses() > afterWrite.locationMisses(),
        "the replaced file's locations are fetched again");
  }

  @Test
  void cacheSizeZeroDisablesTheCache() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/nc", 70_000, 8, false);
    assertArrayEquals(data, read("/nc"));
    int reads = cluster.readRequests();
    assertArrayEquals(data, read("/nc"));
    assertTrue(cluster.readRequests() > reads);
    assertEquals(0, client.cacheStats().hits());
    assertEquals(0, client.cacheStats().bytesCached());
  }
}
