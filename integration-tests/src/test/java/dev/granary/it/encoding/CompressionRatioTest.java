package dev.granary.it.encoding;

import static dev.granary.it.encoding.EncodedFiles.assertEncoding;
import static dev.granary.it.encoding.EncodedFiles.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.Compression;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 20, what compression costs and saves: random input is stored raw block by block, so it
 * grows by no more than the record headers and index (at most 0.5%), with and without encryption;
 * a text-like corpus shrinks, to under half with zstd (also when encrypted: the client compresses
 * before it encrypts).
 */
class CompressionRatioTest {
  private static final Logger log = LoggerFactory.getLogger(CompressionRatioTest.class);
  static final int CHUNK = 1 << 20;
  static final int SIZE = 3 * CHUNK + 4321;
  /** Most a stored file may exceed its logical size when nothing compresses. */
  static final double MAX_GROWTH = 1.005;

  @RegisterExtension
  static final EncodingCluster CLUSTER = new EncodingCluster(CHUNK);
  @TempDir
  Path tmp;

  private static double ratio(FileStatus st) {
    return (double) st.storedSize() / st.size();
  }

  private static String describe(FileStatus st) {
    return String.format(Locale.ROOT, "%s: %s%s stored %d of %d bytes, ratio %.5f", st.path(),
        st.compression(), st.encrypted() ? "+encrypted" : "", st.storedSize(), st.size(),
        ratio(st));
  }

  private FileStatus write(GranaryClient c, String path, byte[] data, Compression compression,
      boolean encrypt) throws Exception {
    EncodedFiles.put(c, tmp, path, data, options(CHUNK, compression, encrypt));
    FileStatus st = assertEncoding(c, path, data.length, compression, encrypt);
    assertArrayEquals(data, Reads.stream(c, path), path);
    log.info("{}", describe(st));
    return st;
  }

  @Test
  void incompressibleInputGrowsByAtMostHalfAPercent() throws Exception {
    GranaryClient c = CLUSTER.withKeyA();
    byte[] data = TestData.random(SIZE, 7);
    for (Compression compression : new Compression[] {Compression.LZ4, Compression.ZSTD}) {
      for (boolean encrypt : new boolean[] {false, true}) {
        String path = "/ratio/random-" + compression.label() + (encrypt ? "-enc" : "");
        FileStatus st = write(c, path, data, compression, encrypt);
        assertTrue(st.storedSize() <= SIZE * MAX_GROWTH, describe(st) + ", expected at most "
            + MAX_GROWTH);
      }
    }
  }

  @Test
  void textLikeInputShrinksToUnderHalfWithZstd() throws Exception {
    GranaryClient c = CLUSTER.withKeyA();
    byte[] data = TestData.text(SIZE, 11);
    FileStatus lz4 = write(c, "/ratio/text-lz4", data, Compression.LZ4, false);
    FileStatus zstd = write(c, "/ratio/text-zstd", data, Compression.ZSTD, false);
    FileStatus zstdEnc = write(c, "/ratio/text-zstd-enc", data, Compression.ZSTD, true);
    log.info("text-like corpus of {} bytes: lz4 ratio {}, zstd ratio {}, zstd+encrypted ratio {}",
        SIZE, ratio(lz4), ratio(zstd), ratio(zstdEnc));
    assertTrue(lz4.storedSize() < SIZE, describe(lz4) + ", expected it to shrink");
    assertTrue(zstd.storedSize() < SIZE / 2, describe(zstd) + ", expected under 0.5");
    assertTrue(zstdEnc.storedSize() < SIZE / 2, describe(zstdEnc)
        + ", expected under 0.5: compression comes before encryption");
  }
}
