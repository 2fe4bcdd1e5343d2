package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import dev.granary.client.fake.FakeCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sequential reads streamed a chunk at a time with the next chunk asked for in advance: one request
 * per chunk, bounded read-ahead, failover of streams in flight, and which sequential reads go
 * through the cache.
 */
class StreamingReadTest {
  /** 96 blocks: a chunk is neither one fetch window (64 blocks) nor a whole number of them. */
  private static final long CHUNK = 6L << 20;
  private static final WriteOptions BIG = OPTIONS.withChunkSize(CHUNK);
  /** Two chunks and 81 blocks of a third. */
  private static final int SIZE = (int) (2 * CHUNK + (5 << 20) + 123);
  private static final int CHUNKS = 3;

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

  private byte[] write(String path, int size, WriteOptions options, long seed) throws Exception {
    byte[] data = TestData.random(size, seed);
    try (OutputStream out = client.create(path, options)) {
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
  void eachChunkIsAskedForOnceAndReadsStraddleEveryBoundary() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/w", SIZE, BIG, 11);
    int before = cluster.readRequests();
    assertArrayEquals(data, read("/w"));
    assertEquals(CHUNKS, cluster.readRequests() - before);

    // Reads of every size straddling blocks, windows and chunks, through the channel too.
    try (SeekableByteChannel ch = client.openChannel("/w")) {
      ByteBuffer all = ByteBuffer.allocate(SIZE);
      int step = 1;
      while (all.hasRemaining()) {
        ByteBuffer part = all.slice();
        part.limit(Math.min(part.remaining(), step));
        int n = ch.read(part);
        assertTrue(n > 0);
        all.position(all.position() + n);
        step = step * 3 + 7;
      }
      assertArrayEquals(data, all.array());
      assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
    }
  }

  @Test
  void readAheadIsOneChunkAndAbandonedStreamsDoNotDisturbLaterReads() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/ahead", SIZE, BIG, 12);
    int before = cluster.readRequests();
    try (InputStream in = client.open("/ahead")) {
      // The chunk being read and the next are asked for at once, and no more. Requests are only
      // ever sent on the reader's thread, inside read(), so between reads the count is final.
      assertEquals(data[0] & 0xff, in.read());
      assertTrue(TestData.eventually(Duration.ofSeconds(5),
          () -> cluster.readRequests() - before >= 2));
      assertEquals(2, cluster.readRequests() - before);
      // Skipping into the second chunk uses the stream asked for in advance: one new request,
      // for the third chunk.
      assertEquals(CHUNK - 1, in.skip(CHUNK - 1));
      assertEquals(data[(int) CHUNK] & 0xff, in.read());
      assertTrue(TestData.eventually(Duration.ofSeconds(5),
          () -> cluster.readRequests() - before >= 3));
      assertEquals(3, cluster.readRequests() - before);
      // Closing with streams in flight: their connections are closed, never reused half-read.
    }
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(data, read("/ahead"));
    }
  }

  @Test
  void corruptReplicaMidStreamIsReportedAndTheStreamFailsOver() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/bad", SIZE, BIG, 13);
    long handle = cluster.master.handles("/bad").get(1);
    cluster.chunkservers.get(0).corrupt(handle);
    cluster.chunkservers.get(2).corrupt(handle);
    // Replicas are picked by load, at random among equals: read until a corrupt one was picked.
    for (int i = 0; i < 60 && cluster.master.badReplicas.isEmpty(); i++) {
      assertArrayEquals(data, read("/bad"));
    }
    assertTrue(TestData.eventually(Duration.ofSeconds(5),
        () -> !cluster.master.badReplicas.isEmpty()));
    cluster.master.badReplicas.forEach(r -> {
      assertEquals(handle, r.handle());
      assertTrue(List.of("cs-0", "cs-2").contains(r.nodeId()), r.nodeId());
    });
  }

  @Test
  void serversDyingMidStreamFailOverWithWindowsInFlight() throws Exception {
    client = TestData.client(cluster, 0);
    byte[] data = write("/dying", SIZE, BIG, 14);
    byte[] got = new byte[SIZE];
    try (InputStream in = client.open("/dying")) {
      int n = in.readNBytes(got, 0, 1 << 20);
      assertEquals(1 << 20, n);
      cluster.chunkservers.get(0).stop();
      cluster.chunkservers.get(2).stop();
      n += in.readNBytes(got, n, SIZE - n);
      assertEquals(SIZE, n);
      assertEquals(-1, in.read());
    }
    assertArrayEquals(data, got);
    assertTrue(cluster.chunkservers.get(1).readRequests() > 0);
  }

  @Test
  void sequentialReadsCacheOnlyFilesThatFitTheCache() throws Exception {
    client = TestData.client(cluster, 1 << 20);
    // Larger than the cache: streamed past it, so a second pass goes to the chunkservers again.
    byte[] big = write("/big", 2 << 20, OPTIONS, 15);
    assertArrayEquals(big, read("/big"));
    int reads = cluster.readRequests();
    assertArrayEquals(big, read("/big"));
    assertTrue(cluster.readRequests() > reads);
    assertEquals(0, client.cacheStats().bytesCached());
    // Random reads of it are cached.
    try (SeekableByteChannel ch = client.openChannel("/big")) {
      ByteBuffer b = ByteBuffer.allocate(1000);
      ch.position(300_000).read(b);
      assertArrayEquals(Arrays.copyOfRange(big, 300_000, 301_000), b.array());
    }
    assertTrue(client.cacheStats().bytesCached() > 0);

    // A file that fits: the second pass is served from the cache.
    byte[] small = write("/small", 700_000, OPTIONS, 16);
    assertArrayEquals(small, read("/small"));
    reads = cluster.readRequests();
    long hits = client.cacheStats().hits();
    assertArrayEquals(small, read("/small"));
    assertEquals(reads, cluster.readRequests());
    assertTrue(client.cacheStats().hits() > hits);
  }
}
