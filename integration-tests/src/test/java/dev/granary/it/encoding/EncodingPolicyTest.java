package dev.granary.it.encoding;

import static dev.granary.it.encoding.EncodedFiles.assertEncoding;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.Compression;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.WriteOptions;
import dev.granary.it.MiniCluster;
import dev.granary.wire.PolicyKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, policy: under a directory whose policy says compress zstd and encrypt, a put with
 * default options is compressed and encrypted; an explicit compression still wins but encryption
 * cannot be opted out of; and a client without a key is refused with {@link DeniedException}
 * before anything is committed or sent to a chunkserver (as it is when it asks to encrypt).
 */
class EncodingPolicyTest {
  static final int CHUNK = 256 * 1024;

  @RegisterExtension
  static final EncodingCluster CLUSTER = new EncodingCluster(CHUNK);
  @TempDir
  Path tmp;

  /** Replica data files on every chunkserver's disk, committed or being written. */
  private static long replicaFilesOnDisk(MiniCluster m) throws IOException {
    long n = 0;
    for (int i = 0; i < m.cluster().size(); i++) {
      try (Stream<Path> s = Files.walk(m.cluster().chunkserverDataDir(i))) {
        n += s.filter(p -> p.getFileName().toString().endsWith(".chunk")).count();
      }
    }
    return n;
  }

  @Test
  void aPolicyCompressesAndEncryptsAndRefusesAClientWithoutAKey() throws Exception {
    GranaryClient c = CLUSTER.withKeyA();
    c.mkdirs("/pol/d", true);
    // The settings as the protocol names them (PolicyKeys): compress = zstd's id, encrypt = 1.
    c.setPolicy("/pol/d", new PolicyChange(Map.of(PolicyKeys.COMPRESS,
        Integer.toString(dev.granary.wire.Compression.ZSTD.id()), PolicyKeys.ENCRYPT, "1")));
    WriteOptions defaults = WriteOptions.defaults().withChunkSize(CHUNK);
    byte[] data = TestData.text(2 * CHUNK + 17, 81);

    EncodedFiles.put(c, tmp, "/pol/d/put", data, defaults);
    EncodedFiles.create(c, "/pol/d/sub/created", data, defaults);
    EncodedFiles.create(c, "/pol/d/lz4", data, defaults.withCompression(Compression.LZ4));
    assertEncoding(c, "/pol/d/put", data.length, Compression.ZSTD, true);
    assertEncoding(c, "/pol/d/sub/created", data.length, Compression.ZSTD, true);
    assertEncoding(c, "/pol/d/lz4", data.length, Compression.LZ4, true);
    for (String p : new String[] {"/pol/d/put", "/pol/d/sub/created", "/pol/d/lz4"}) {
      assertArrayEquals(data, Reads.stream(c, p), p);
    }
    // Outside the directory, defaults are plain.
    EncodedFiles.create(c, "/pol/outside", data, defaults);
    assertEncoding(c, "/pol/outside", data.length, Compression.NONE, false);

    GranaryClient none = CLUSTER.withoutKey();
    MiniCluster m = CLUSTER.mini();
    long before = replicaFilesOnDisk(m);
    Reads.assertFailsWith(DeniedException.class, "put without a key under an encrypt policy",
        () -> EncodedFiles.put(none, tmp, "/pol/d/nokey-put", data, defaults));
    Reads.assertFailsWith(DeniedException.class, "create without a key under an encrypt policy",
        () -> EncodedFiles.create(none, "/pol/d/nokey-created", data, defaults));
    // Asked for explicitly, outside any encrypt policy: refused the same way.
    Reads.assertFailsWith(DeniedException.class, "put --encrypt without a key",
        () -> EncodedFiles.put(none, tmp, "/pol/nokey-explicit", data,
            defaults.withEncrypt(true)));
    for (String p : new String[] {"/pol/d/nokey-put", "/pol/d/nokey-created",
        "/pol/nokey-explicit"}) {
      Reads.assertFailsWith(NotFoundException.class, "stat of " + p, () -> c.stat(p));
    }
    long after = replicaFilesOnDisk(m);
    assertTrue(after <= before, "replica files on the disks went from " + before + " to "
        + after + ": a refused write sent data to chunkservers");
  }
}
