package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.client.AlreadyExistsException;
import dev.granary.client.ChunkInfo;
import dev.granary.client.FileInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real master + three real chunkservers in one JVM: bytes in, bytes out, around every boundary. */
class ClusterRoundTripTest {
  static final int CHUNK = 256 * 1024;
  static MiniCluster cluster;
  static GranaryClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkSize(CHUNK));
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static WriteOptions opts() {
    return WriteOptions.defaults().withChunkSize(CHUNK);
  }

  static void write(String path, byte[] data, WriteOptions o) throws Exception {
    try (OutputStream out = client.create(path, o)) {
      out.write(data);
    }
  }

  static byte[] read(String path) throws Exception {
    try (InputStream in = client.open(path)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65535, 65536, 65537, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 17})
  void streamRoundTripAroundBoundaries(int size) throws Exception {
    byte[] d = data(size, size);
    String path = "/sizes/f-" + size;
    write(path, d, opts());
    assertArrayEquals(d, read(path));
    FileInfo info = client.statWithChunks(path);
    assertEquals(size, info.status().size());
    assertEquals((size + CHUNK - 1) / CHUNK, info.chunks().size());
    for (ChunkInfo ch : info.chunks()) {
      assertEquals(3, ch.replicas().size(), "replicas of chunk " + ch);
    }
  }

  @Test
  void putAndGetLocalFiles(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    byte[] d = data(3 * CHUNK + 4321, 7);
    Path local = tmp.resolve("in.bin");
    java.nio.file.Files.write(local, d);
    client.put(local, "/local/in.bin", opts(), dev.granary.client.TransferListener.NONE);
    Path back = tmp.resolve("out.bin");
    client.get("/local/in.bin", back, false, dev.granary.client.TransferListener.NONE);
    assertArrayEquals(d, java.nio.file.Files.readAllBytes(back));
    assertThrows(AlreadyExistsException.class, () -> client.get("/local/in.bin", back, false,
        dev.granary.client.TransferListener.NONE));
    assertThrows(AlreadyExistsException.class, () -> client.put(local, "/local/in.bin", opts(),
        dev.granary.client.TransferListener.NONE));
  }

  @Test
  void randomReadsThroughTheChannel() throws Exception {
    byte[] d = data(4 * CHUNK + 999, 11);
    write("/random/f", d, opts());
    SplittableRandom r = new SplittableRandom(5);
    try (SeekableByteChannel ch = client.openChannel("/random/f")) {
      assertEquals(d.length, ch.size());
      for (int i = 0; i < 200; i++) {
        int pos = r.nextInt(d.length);
        int len = Math.min(d.length - pos, 1 + r.nextInt(3 * 65536));
        ByteBuffer buf = ByteBuffer.allocate(len);
        ch.position(pos);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // keep reading until the buffer is full
        }
        byte[] want = java.util.Arrays.copyOfRange(d, pos, pos + len);
        assertArrayEquals(want, buf.array(), "read of " + len + " at " + pos);
      }
    }
  }

  @Test
  void overwriteReplacesAtomicallyAndCacheNeverServesOldBytes() throws Exception {
    byte[] a = data(2 * CHUNK, 1);
    byte[] b = data(2 * CHUNK, 2);
    write("/over/f", a, opts());
    assertArrayEquals(a, read("/over/f"));
    assertArrayEquals(a, read("/over/f"));
    dev.granary.client.GranaryIOException e = assertThrows(
        dev.granary.client.GranaryIOException.class, () -> write("/over/f", b, opts()));
    assertTrue(e.granaryCause() instanceof AlreadyExistsException, e.toString());
    assertArrayEquals(a, read("/over/f"));
    write("/over/f", b, opts().withOverwrite(true));
    assertArrayEquals(b, read("/over/f"));
  }

  @Test
  void namespaceOperations() throws Exception {
    client.mkdirs("/ns/a/b", true);
    write("/ns/a/b/f", data(100, 3), opts());
    client.rename("/ns/a/b/f", "/ns/a/g");
    assertThrows(NotFoundException.class, () -> client.stat("/ns/a/b/f"));
    assertEquals(100, client.stat("/ns/a/g").size());
    List<String> names = client.list("/ns/a").stream().map(s -> s.name()).sorted().toList();
    assertEquals(List.of("b", "g"), names);
    client.delete("/ns", true);
    assertThrows(NotFoundException.class, () -> client.stat("/ns"));
  }

  @Test
  void deletedFilesLeaveTheDisksWithinGcInterval() throws Exception {
    write("/gc/f", data(2 * CHUNK + 5, 9), opts());
    List<ChunkInfo> chunks = client.statWithChunks("/gc/f").chunks();
    for (ChunkInfo ch : chunks) {
      assertEquals(3, cluster.replicaFiles(ch.handle()).size());
    }
    client.delete("/gc/f", false);
    Duration gc = cluster.cluster().settings().gcInterval();
    Wait.until("replica files of /gc/f removed", gc.plusSeconds(5), () -> {
      for (ChunkInfo ch : chunks) {
        if (!cluster.replicaFiles(ch.handle()).isEmpty()) {
          return false;
        }
      }
      return true;
    }, cluster::describe);
    assertTrue(true);
  }
}
