package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.CHUNK;
import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.TransferListener;
import dev.granary.client.fake.FakeChunkserver;
import dev.granary.client.fake.FakeCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Writes and reads files of sizes around packet and chunk boundaries, through every API. */
class RoundTripTest {
  private static FakeCluster cluster;
  private static GranaryClient client;

  @BeforeAll
  static void start() {
    cluster = new FakeCluster(3);
    client = TestData.client(cluster, 0);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static IntStream sizes() {
    int c = (int) CHUNK;
    return IntStream.of(0, 1, 65535, 65536, 65537, c - 1, c, c + 1, 3 * c + 12345, 5 * c);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void putThenGet(int size, @TempDir Path dir) throws Exception {
    byte[] data = TestData.random(size, size);
    Path local = dir.resolve("in.bin");
    Files.write(local, data);
    AtomicLong started = new AtomicLong(-2);
    AtomicLong progressed = new AtomicLong();
    TransferListener listener = new TransferListener() {
      @Override
      public void onStart(long total) {
        started.set(total);
      }

      @Override
      public void onProgress(long done) {
        progressed.set(done);
      }

      @Override
      public void onDone() {}
    };
    FileStatus st = client.put(local, "/put/f" + size, OPTIONS, listener);
    assertEquals(size, st.size());
    assertEquals((size + CHUNK - 1) / CHUNK, st.chunkCount());
    assertEquals(size, started.get());
    assertEquals(size, progressed.get());
    for (long h : cluster.master.handles("/put/f" + size)) {
      int copies = 0;
      for (FakeChunkserver c : cluster.chunkservers) {
        copies += c.holds(h) ? 1 : 0;
      }
      assertEquals(3, copies, "replicas of chunk " + h);
    }

    Path out = dir.resolve("out.bin");
    FileStatus got = client.get("/put/f" + size, out, false, TransferListener.NONE);
    assertEquals(size, got.size());
    assertArrayEquals(data, Files.readAllBytes(out));
    try (InputStream in = client.open("/put/f" + size)) {
      assertArrayEquals(data, TestData.readAll(in));
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void streamThenRead(int size) throws Exception {
    byte[] data = TestData.random(size, size + 7);
    String path = "/stream/f" + size;
    try (OutputStream out = client.create(path, OPTIONS)) {
      // Odd-sized writes so buffer and chunk boundaries fall mid-write.
      int off = 0;
      while (off < size) {
        int n = Math.min(size - off, 10_007);
        out.write(data, off, n);
        off += n;
      }
    }
    assertEquals(size, client.stat(path).size());
    try (InputStream in = client.open(path)) {
      assertArrayEquals(data, TestData.readAll(in));
    }
  }
}
