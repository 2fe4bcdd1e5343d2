package dev.granary.it.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import dev.granary.cli.LocalCluster;
import dev.granary.client.Compression;
import dev.granary.client.EncryptionKey;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.MasterConfig;
import dev.granary.it.MiniCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta updates of compressed and encrypted files on a real {@code tls} cluster: a compressed
 * file's {@code put --force} with one region changed sends only the chunk that changed (zstd makes
 * the same records from the same bytes, and the update compares records); an encrypted file's
 * sends every chunk (a fresh data key per put: its chunks never match, by design). Both read back
 * byte for byte.
 */
class CompressedDeltaClusterTest {
  static final long CHUNK = 1L << 20;
  static final int CHUNKS = 6;

  @TempDir
  static Path tmp;
  static MiniCluster cluster;
  static GranaryClient c;

  @BeforeAll
  static void start() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withSecurity(MasterConfig.TLS)
        .withChunkSize(CHUNK));
    Path key = tmp.resolve("key");
    EncryptionKey.generate().write(key);
    c = cluster.client(new ClientConfig(cluster.cluster().masterAddress(), 0, 4,
        Duration.ofSeconds(20), cluster.adminCredentials(), key));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static UploadResult put(Path local, String remote, WriteOptions o) throws Exception {
    return c.upload(local, remote, o.withChunkSize(CHUNK), TransferListener.NONE);
  }

  private static void assertReadsBack(String remote, byte[] data) throws Exception {
    try (java.io.InputStream in = c.open(remote)) {
      assertArrayEquals(data, in.readAllBytes(), remote);
    }
  }

  @Test
  void aCompressedFileSendsOnlyTheChunkThatChanged() throws Exception {
    byte[] data = TestData.text((int) (CHUNKS * CHUNK) - 1000, 1);
    Path local = tmp.resolve("text");
    Files.write(local, data);
    WriteOptions zstd = WriteOptions.defaults().withCompression(Compression.ZSTD);
    UploadResult first = put(local, "/delta/z", zstd);
    assertEquals(CHUNKS, first.chunksSent(), first::toString);
    FileStatus st = c.stat("/delta/z");
    assertEquals(data.length, st.size());
    assertEquals("zstd", st.compression());
    assertTrue(st.storedSize() < data.length / 2, st::toString);
    // Change 10 bytes in the fourth chunk.
    System.arraycopy("0123456789".getBytes(StandardCharsets.US_ASCII), 0, data,
        (int) (3 * CHUNK + 5000), 10);
    Files.write(local, data);
    UploadResult delta = put(local, "/delta/z", zstd.withOverwrite(true));
    assertEquals(1, delta.chunksSent(), delta::toString);
    assertEquals(CHUNKS - 1, delta.chunksReused(), delta::toString);
    assertTrue(delta.bytesSent() < CHUNK, delta::toString);
    assertReadsBack("/delta/z", data);
  }

  @Test
  void anEncryptedFileSendsEveryChunkUnderAFreshKey() throws Exception {
    byte[] data = TestData.text((int) (3 * CHUNK), 2);
    Path local = tmp.resolve("secret");
    Files.write(local, data);
    WriteOptions enc = WriteOptions.defaults().withCompression(Compression.LZ4).withEncrypt(true);
    put(local, "/delta/e", enc);
    UploadResult again = put(local, "/delta/e", enc.withOverwrite(true));
    assertEquals(3, again.chunksSent(), again::toString);
    assertEquals(0, again.chunksReused(), again::toString);
    FileStatus st = c.stat("/delta/e");
    assertTrue(st.encrypted(), st::toString);
    assertEquals("lz4", st.compression());
    assertReadsBack("/delta/e", data);
  }
}
