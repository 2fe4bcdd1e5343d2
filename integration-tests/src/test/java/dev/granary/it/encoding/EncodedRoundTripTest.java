package dev.granary.it.encoding;

import static dev.granary.it.encoding.EncodedFiles.assertEncoding;
import static dev.granary.it.encoding.EncodedFiles.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.Compression;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.WriteOptions;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 20, round trips: files of every size at the edges of a 64 KiB block and of a chunk, for
 * every compression (none, lz4, zstd) plain and encrypted, written through {@code create()} and
 * uploaded from a local file, come back byte for byte through {@code get}, {@code open} and random
 * reads of {@code openChannel} (with and without a block cache); the replicas hold the documented
 * format; stat reports the logical size, the compression, the encrypted flag and a stored size
 * that is what the chunks hold.
 */
class EncodedRoundTripTest {
  static final int CHUNK = 256 * 1024;
  static final int BLOCK = 64 * 1024;
  /** Sizes at the edges of blocks and chunks, from empty to several chunks and a bit. */
  static final int[] SIZES = {0, 1, BLOCK - 1, BLOCK, BLOCK + 1, CHUNK - 1, CHUNK, CHUNK + 1,
      3 * CHUNK + 12_345};

  @RegisterExtension
  static final EncodingCluster CLUSTER = new EncodingCluster(CHUNK);
  @TempDir
  Path tmp;

  static Stream<Arguments> encodings() {
    List<Arguments> out = new ArrayList<>();
    for (Compression c : Compression.values()) {
      out.add(Arguments.of(c, false));
      out.add(Arguments.of(c, true));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} encrypted={1}")
  @MethodSource("encodings")
  void everySizeAtABoundaryComesBackByteForByte(Compression compression, boolean encrypt)
      throws Exception {
    GranaryClient c = CLUSTER.withKeyA();
    GranaryClient cached = CLUSTER.cachedWithKeyA();
    WriteOptions options = options(CHUNK, compression, encrypt);
    String dir = "/rt/" + compression.label() + (encrypt ? "-enc" : "-plain");
    long seed = compression.ordinal() * 100L + (encrypt ? 50 : 0);
    for (int size : SIZES) {
      byte[] data = TestData.mixed(size, seed + size);
      String created = dir + "/created-" + size;
      String put = dir + "/put-" + size;
      EncodedFiles.create(c, created, data, options);
      FileStatus fromPut = EncodedFiles.put(c, tmp, put, data, options);
      assertEquals(size, fromPut.size(), "put's status of " + put);
      for (String path : List.of(created, put)) {
        // The file written through the stream is read without a block cache, the other with one.
        GranaryClient reader = path.equals(created) ? c : cached;
        FileStatus st = assertEncoding(c, path, size, compression, encrypt);
        if (compression == Compression.NONE && !encrypt) {
          assertEquals(size, st.storedSize(), "a plain file is stored verbatim: " + st);
        }
        if (encrypt && size > 0) {
          // Every stored block carries at least its nonce and tag.
          assertTrue(st.storedSize() > (compression == Compression.NONE ? size : 0),
              "stored size of " + st);
        }
        EncodedFiles.assertStoredFormat(CLUSTER.mini(), c, path, data, compression, encrypt);
        Reads.assertReadsBack(reader, path, data, CHUNK, tmp);
      }
    }
  }

  /**
   * Threads sharing one client (as an application's do) read random ranges of one compressed and
   * encrypted file at once, through a channel each, beside whole-file streams, with and without a
   * block cache: every byte is right (no decode state or buffer is shared by mistake).
   */
  @Test
  void concurrentRandomReadsOfAnEncodedFileAreRight() throws Exception {
    GranaryClient c = CLUSTER.withKeyA();
    byte[] data = TestData.mixed(3 * CHUNK + 4321, 99);
    String path = "/rt/concurrent";
    EncodedFiles.put(c, tmp, path, data, options(CHUNK, Compression.ZSTD, true));
    for (GranaryClient reader : List.of(c, CLUSTER.cachedWithKeyA())) {
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          long seed = t;
          done.add(pool.submit(() -> {
            SplittableRandom r = new SplittableRandom(seed);
            try (SeekableByteChannel ch = reader.openChannel(path)) {
              for (int i = 0; i < 40; i++) {
                int pos = r.nextInt(data.length);
                int len = 1 + r.nextInt(3 * BLOCK);
                byte[] got = Reads.at(ch, pos, len);
                assertArrayEquals(Arrays.copyOfRange(data, pos, Math.min(data.length, pos + len)),
                    got, "thread " + seed + " read " + i + " at " + pos + " for " + len);
              }
            }
            return null;
          }));
        }
        // And whole-file streams with read-ahead beside them.
        for (int t = 0; t < 2; t++) {
          done.add(pool.submit(() -> {
            assertArrayEquals(data, Reads.stream(reader, path), "a stream beside the channels");
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
