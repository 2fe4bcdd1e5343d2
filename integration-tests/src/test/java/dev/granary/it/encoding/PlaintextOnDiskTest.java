package dev.granary.it.encoding;

import static dev.granary.it.encoding.EncodedFiles.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.Compression;
import dev.granary.client.GranaryClient;
import dev.granary.it.MiniCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, "master and chunkservers never see plaintext": a file that is a 16-byte marker repeated
 * to 1 MiB, encrypted (alone, and after lz4 or zstd), leaves no 16-byte window of its plaintext in
 * any file of any chunkserver's data dir (replicas, meta files, journal) nor of the master's. A
 * plain file with the same content, scanned the same way, shows the marker: the scan can fail.
 */
class PlaintextOnDiskTest {
  static final int CHUNK = 256 * 1024;
  static final int SIZE = 1 << 20;

  @RegisterExtension
  static final EncodingCluster CLUSTER = new EncodingCluster(CHUNK);
  @TempDir
  Path tmp;

  /** Every regular file under the data dirs of the master and every chunkserver. */
  private static List<Path> everyFileOnDisk(MiniCluster m) throws IOException {
    List<Path> roots = new ArrayList<>();
    roots.add(m.cluster().masterDataDir());
    for (int i = 0; i < m.cluster().size(); i++) {
      roots.add(m.cluster().chunkserverDataDir(i));
    }
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(Files::isRegularFile).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void noWindowOfAnEncryptedFilesPlaintextReachesAnyDisk() throws Exception {
    GranaryClient c = CLUSTER.withKeyA();
    MiniCluster m = CLUSTER.mini();
    byte[] marker = TestData.marker(SIZE);
    List<String> handles = new ArrayList<>();
    for (Compression compression : Compression.values()) {
      String path = "/secret/marker-" + compression.label();
      EncodedFiles.put(c, tmp, path, marker, options(CHUNK, compression, true));
      EncodedFiles.create(c, path + "-stream", marker, options(CHUNK, compression, true));
      for (String p : List.of(path, path + "-stream")) {
        assertArrayEquals(marker, Reads.stream(c, p), p);
        for (ChunkInfo ch : c.statWithChunks(p).chunks()) {
          handles.add(ch.handle());
        }
      }
    }
    int replicas = 0;
    for (String h : handles) {
      List<Path> files = m.replicaFiles(h);
      assertEquals(3, files.size(), "replica files of chunk " + h);
      replicas += files.size();
    }
    List<Path> all = everyFileOnDisk(m);
    long scanned = 0;
    for (Path f : all) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(f);
      } catch (NoSuchFileException e) {
        continue; // a temp file or journal segment the node removed since the walk
      }
      scanned += bytes.length;
      long at = TestData.findMarkerWindow(bytes);
      assertEquals(-1, at, "plaintext of an encrypted file at offset " + at + " of " + f);
    }
    assertTrue(scanned > 0 && replicas >= 3 * handles.size(), "scanned " + all.size()
        + " files, " + scanned + " bytes, " + replicas + " replica files");

    // The control: the same content stored plain is found by the same scan in every replica.
    String plain = "/open/marker";
    EncodedFiles.put(c, tmp, plain, marker, options(CHUNK, Compression.NONE, false));
    for (ChunkInfo ch : c.statWithChunks(plain).chunks()) {
      for (Path f : m.replicaFiles(ch.handle())) {
        assertTrue(TestData.findMarkerWindow(Files.readAllBytes(f)) >= 0,
            "the scan does not find the marker in the plain replica " + f);
      }
    }
  }
}
