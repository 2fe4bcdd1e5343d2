package dev.granary.it.encoding;

import static dev.granary.it.encoding.EncodedFiles.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.Compression;
import dev.granary.client.DeniedException;
import dev.granary.client.EncryptionKey;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.KeyRotation;
import dev.granary.client.PolicyChange;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, keys: an encrypted file reads only with the key that wraps its data key (no key or
 * another key: {@link DeniedException} from every read path), and key rotation re-wraps the data
 * keys of a file, of a tree and of the versions it keeps so that afterwards only the new key
 * reads them; a rotation run again finds everything done.
 */
class EncryptionKeysTest {
  static final int CHUNK = 256 * 1024;

  @RegisterExtension
  static final EncodingCluster CLUSTER = new EncodingCluster(CHUNK);
  @TempDir
  Path tmp;

  /** Asserts every read path of {@code c} (get, open, openChannel) is denied {@code path}. */
  private void assertDenied(GranaryClient c, String path, long version, String who) {
    Reads.assertFailsWith(DeniedException.class, who + ": get of " + path + "@" + version,
        () -> c.get(path, version, tmp.resolve("denied-" + System.nanoTime()), false,
            TransferListener.NONE));
    Reads.assertFailsWith(DeniedException.class, who + ": open of " + path + "@" + version, () -> {
      try (InputStream in = c.open(path, version)) {
        in.readAllBytes();
      }
    });
    Reads.assertFailsWith(DeniedException.class, who + ": openChannel of " + path, () -> {
      try (SeekableByteChannel ch = c.openChannel(path, version)) {
        Reads.at(ch, 1, 10);
      }
    });
  }

  private static byte[] read(GranaryClient c, String path, long version) throws Exception {
    try (InputStream in = c.open(path, version)) {
      return in.readAllBytes();
    }
  }

  @Test
  void withoutTheKeyOrWithAnotherKeyAReadIsDenied() throws Exception {
    GranaryClient a = CLUSTER.withKeyA();
    byte[] data = TestData.mixed(CHUNK + 5000, 41);
    EncodedFiles.create(a, "/keys/f", data, options(CHUNK, Compression.NONE, true));
    EncodedFiles.create(a, "/keys/z", data, options(CHUNK, Compression.ZSTD, true));
    EncodedFiles.create(a, "/keys/plain", data, options(CHUNK, Compression.ZSTD, false));
    GranaryClient none = CLUSTER.withoutKey();
    GranaryClient b = CLUSTER.withKeyB();
    for (String p : List.of("/keys/f", "/keys/z")) {
      assertArrayEquals(data, Reads.stream(a, p), "key A reads " + p);
      assertDenied(none, p, GranaryClient.CURRENT, "no key");
      assertDenied(b, p, GranaryClient.CURRENT, "key B");
      // Metadata needs no key.
      assertTrue(none.stat(p).encrypted(), p);
    }
    assertArrayEquals(data, Reads.stream(none, "/keys/plain"), "a file not encrypted needs no key");
    // The data is bound to the file, not to its path: a renamed file reads as before.
    a.rename("/keys/z", "/keys/z2");
    assertArrayEquals(data, Reads.stream(a, "/keys/z2"), "a renamed encrypted file");
    assertDenied(b, "/keys/z2", GranaryClient.CURRENT, "key B after the rename");
    assertArrayEquals(data, Reads.stream(b, "/keys/plain"));
  }

  @Test
  void rotationRewrapsFilesTreesAndKeptVersions() throws Exception {
    GranaryClient a = CLUSTER.withKeyA();
    GranaryClient b = CLUSTER.withKeyB();
    EncryptionKey keyA = EncryptionKey.read(CLUSTER.keyA());
    EncryptionKey keyB = EncryptionKey.read(CLUSTER.keyB());
    WriteOptions enc = options(CHUNK, Compression.NONE, true);

    // One file.
    byte[] one = TestData.mixed(2 * CHUNK + 1, 42);
    EncodedFiles.create(a, "/rot/one", one, enc);
    assertEquals(new KeyRotation(1, 0, 0), a.rotateKey("/rot/one", false, keyA, keyB));
    assertArrayEquals(one, Reads.stream(b, "/rot/one"), "key B reads after the rotation");
    assertDenied(a, "/rot/one", GranaryClient.CURRENT, "key A after the rotation");
    assertEquals(new KeyRotation(0, 1, 0), a.rotateKey("/rot/one", false, keyA, keyB),
        "the rotation run again");

    // A tree under a keep-versions policy: a replaced file keeps its old contents as a version.
    a.mkdirs("/rot/tree/sub", true);
    a.setPolicy("/rot/tree", PolicyChange.none().keepVersions(2));
    byte[] x1 = TestData.mixed(CHUNK + 3, 43);
    byte[] x2 = TestData.mixed(CHUNK / 2, 44);
    byte[] y = TestData.text(3 * CHUNK, 45);
    EncodedFiles.create(a, "/rot/tree/x", x1, enc);
    EncodedFiles.create(a, "/rot/tree/x", x2, enc.withOverwrite(true));
    EncodedFiles.create(a, "/rot/tree/sub/y", y, options(CHUNK, Compression.ZSTD, true));
    EncodedFiles.create(a, "/rot/tree/plain", y, options(CHUNK, Compression.LZ4, false));
    List<FileVersion> versions = a.versions("/rot/tree/x");
    assertEquals(2, versions.size(), "x and the version it keeps: " + versions);
    long kept = versions.get(1).version();
    assertArrayEquals(x1, read(a, "/rot/tree/x", kept), "the kept version, before");
    // Snapshots keep the wrapping they were taken with.
    a.createSnapshot("/rot/tree", "before");

    Reads.assertFailsWith(InvalidArgumentException.class, "a directory without recursive",
        () -> a.rotateKey("/rot/tree", false, keyA, keyB));
    assertEquals(new KeyRotation(3, 0, 1), a.rotateKey("/rot/tree", true, keyA, keyB),
        "x, its kept version and sub/y rotated; plain passed over");
    assertArrayEquals(x2, read(b, "/rot/tree/x", GranaryClient.CURRENT));
    assertArrayEquals(x1, read(b, "/rot/tree/x", kept), "the kept version with key B");
    assertArrayEquals(y, read(b, "/rot/tree/sub/y", GranaryClient.CURRENT));
    assertArrayEquals(y, read(a, "/rot/tree/plain", GranaryClient.CURRENT));
    assertDenied(a, "/rot/tree/x", GranaryClient.CURRENT, "key A after the rotation");
    assertDenied(a, "/rot/tree/x", kept, "key A, kept version, after the rotation");
    assertDenied(a, "/rot/tree/sub/y", GranaryClient.CURRENT, "key A after the rotation");
    assertEquals(new KeyRotation(0, 3, 1), a.rotateKey("/rot/tree", true, keyA, keyB),
        "the rotation run again");
    // A kept version restored after the rotation is the new key's too.
    a.restore("/rot/tree/x", kept);
    // A client that has not read x: b's cached locations of x may serve its old contents for
    // their time to live, as for any file another client changed (LocationCache).
    assertArrayEquals(x1, read(CLUSTER.withKeyB(), "/rot/tree/x", GranaryClient.CURRENT),
        "x1 restored");
    assertDenied(a, "/rot/tree/x", GranaryClient.CURRENT, "key A, the restored version");
    String snapshot = "/rot/tree/.snapshot/before/sub/y";
    assertArrayEquals(y, read(a, snapshot, GranaryClient.CURRENT), "the snapshot with key A");
    assertDenied(b, snapshot, GranaryClient.CURRENT, "key B reading the snapshot");

    // A file wrapped with neither key is refused, and left readable with its own.
    byte[] other = TestData.random(1000, 46);
    EncodedFiles.create(a, "/rot/other", other, enc);
    Reads.assertFailsWith(DeniedException.class, "rotation from a key that does not wrap it",
        () -> a.rotateKey("/rot/other", false, EncryptionKey.generate(), keyB));
    assertArrayEquals(other, Reads.stream(a, "/rot/other"), "still key A's after the refusal");
  }
}
