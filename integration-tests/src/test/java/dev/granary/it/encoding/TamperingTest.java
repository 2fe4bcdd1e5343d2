package dev.granary.it.encoding;

import static dev.granary.it.encoding.EncodedFiles.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.Compression;
import dev.granary.client.GranaryClient;
import dev.granary.client.IntegrityException;
import dev.granary.it.MiniCluster;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, tampering that checksums cannot see: bytes of an encrypted file's stored records are
 * changed identically in every replica of a chunk, with the chunkservers' CRC32Cs, digest and
 * SHA-256 made to agree ({@link ReplicaSurgery}). Reads must fail with {@link IntegrityException}
 * and never return a wrong byte: a changed payload byte, a changed record header, two records
 * swapped within a chunk, two chunks swapped, a record moved from another file to the same
 * position. Each case has a plain control file edited the same way, which reads back edited: the
 * checksums did pass, so the refusal of the encrypted file comes from its authentication.
 */
class TamperingTest {
  static final int CHUNK = 256 * 1024;
  static final int BLOCK = 64 * 1024;

  @RegisterExtension
  static final EncodingCluster CLUSTER = new EncodingCluster(CHUNK);
  @TempDir
  Path tmp;

  private final MiniCluster m = CLUSTER.mini();
  private final GranaryClient c = CLUSTER.withKeyA();

  /** Writes {@code data} to {@code path} and returns the handle of its chunk {@code index}. */
  private String write(String path, byte[] data, Compression compression, boolean encrypt,
      int index) throws Exception {
    EncodedFiles.create(c, path, data, options(CHUNK, compression, encrypt));
    return c.statWithChunks(path).chunks().get(index).handle();
  }

  /** Asserts reading {@code path} fails with IntegrityException every way, with no wrong byte. */
  private void assertTampered(String path, byte[] original) throws Exception {
    Reads.assertGetFails(c, path, tmp, IntegrityException.class);
    Reads.assertStreamFails(c, path, original, IntegrityException.class);
    Reads.assertFailsWith(IntegrityException.class, "openChannel of " + path + ", whole file",
        () -> {
          try (SeekableByteChannel ch = c.openChannel(path)) {
            Reads.at(ch, 0, original.length);
          }
        });
  }

  @Test
  void aPayloadByteChangedInEveryReplicaFailsAuthentication() throws Exception {
    byte[] data = TestData.mixed(2 * CHUNK + 1000, 61);
    String enc = write("/t/byte", data, Compression.NONE, true, 0);
    String zstd = write("/t/byte-zstd", data, Compression.ZSTD, true, 1);
    String plain = write("/t/byte-plain", data, Compression.NONE, false, 0);
    // And a header: the last record of the file no longer says it is the last (a truncation).
    String last = write("/t/byte-last", data, Compression.LZ4, true, 2);
    Map<String, String> files = new LinkedHashMap<>();
    files.put(enc, "/t/byte");
    files.put(zstd, "/t/byte-zstd");
    files.put(plain, "/t/byte-plain");
    files.put(last, "/t/byte-last");
    int plainAt = 2 * BLOCK + 777;
    ReplicaSurgery.operate(m, c, files, () -> {
      for (String h : List.of(enc, zstd)) {
        for (Path r : ReplicaSurgery.replicasOf(m, h)) {
          StoredChunk sc = StoredChunk.parse(ReplicaSurgery.read(r));
          StoredChunk.Rec rec = sc.records().get(h.equals(enc) ? 2 : 0);
          int at = rec.payloadOffset() + rec.payloadLength() / 2;
          ReplicaSurgery.rewrite(r, h, at, new byte[] {(byte) (sc.bytes()[at] ^ 0x01)});
        }
      }
      for (Path r : ReplicaSurgery.replicasOf(m, last)) {
        StoredChunk sc = StoredChunk.parse(ReplicaSurgery.read(r));
        StoredChunk.Rec rec = sc.records().get(sc.records().size() - 1);
        assertEquals(StoredChunk.FLAG_LAST, rec.flags() & StoredChunk.FLAG_LAST, rec.toString());
        ReplicaSurgery.rewrite(r, last, rec.offset() + 1,
            new byte[] {(byte) (rec.flags() & ~StoredChunk.FLAG_LAST)});
      }
      for (Path r : ReplicaSurgery.replicasOf(m, plain)) {
        ReplicaSurgery.rewrite(r, plain, plainAt,
            new byte[] {(byte) (ReplicaSurgery.read(r)[plainAt] ^ 0x01)});
      }
    });

    byte[] edited = data.clone();
    edited[plainAt] ^= 0x01;
    assertArrayEquals(edited, Reads.stream(c, "/t/byte-plain"),
        "the plain control reads back with the edit: the rewritten replicas pass the checksums");
    assertTampered("/t/byte", data);
    assertTampered("/t/byte-zstd", data);
    assertTampered("/t/byte-last", data);
    // Blocks that were not touched still read; the changed one (block 2 of chunk 0) does not.
    try (SeekableByteChannel ch = c.openChannel("/t/byte")) {
      assertArrayEquals(Arrays.copyOfRange(data, CHUNK, CHUNK + 2 * BLOCK),
          Reads.at(ch, CHUNK, 2 * BLOCK), "chunk 1 is untouched");
      assertArrayEquals(Arrays.copyOfRange(data, 0, BLOCK), Reads.at(ch, 0, BLOCK),
          "block 0 is untouched");
    }
    Reads.assertFailsWith(IntegrityException.class, "channel read of the changed block", () -> {
      try (SeekableByteChannel ch = c.openChannel("/t/byte")) {
        Reads.at(ch, 2 * BLOCK + 10, 100);
      }
    });
  }

  @Test
  void equalSizeRecordsOrChunksSwappedFailAuthentication() throws Exception {
    byte[] data = TestData.random(2 * CHUNK, 62);
    String enc = write("/t/swap", data, Compression.NONE, true, 1);
    String plain = write("/t/swap-plain", data, Compression.NONE, false, 1);
    // And whole chunks: chunk 0 and chunk 1 of a file of two full chunks trade places.
    String chunk0 = write("/t/swap-chunks", data, Compression.NONE, true, 0);
    String chunk1 = c.statWithChunks("/t/swap-chunks").chunks().get(1).handle();
    Map<String, String> files = Map.of(enc, "/t/swap", plain, "/t/swap-plain",
        chunk0, "/t/swap-chunks", chunk1, "/t/swap-chunks");
    ReplicaSurgery.operate(m, c, files, () -> {
      for (Path r : ReplicaSurgery.replicasOf(m, enc)) {
        StoredChunk sc = StoredChunk.parse(ReplicaSurgery.read(r));
        StoredChunk.Rec a = sc.records().get(0);
        StoredChunk.Rec b = sc.records().get(1);
        assertEquals(a.length(), b.length(), "full blocks have records of one size: " + sc
            .records());
        assertEquals(BLOCK, a.logicalLength());
        assertTrue(a.encrypted() && b.encrypted(), sc.records().toString());
        byte[] swapped = sc.bytes().clone();
        System.arraycopy(sc.recordBytes(1), 0, swapped, a.offset(), a.length());
        System.arraycopy(sc.recordBytes(0), 0, swapped, b.offset(), b.length());
        ReplicaSurgery.replace(r, enc, swapped);
      }
      byte[] stored0 = ReplicaSurgery.read(ReplicaSurgery.replicasOf(m, chunk0).get(0));
      byte[] stored1 = ReplicaSurgery.read(ReplicaSurgery.replicasOf(m, chunk1).get(0));
      for (Path r : ReplicaSurgery.replicasOf(m, chunk0)) {
        ReplicaSurgery.replace(r, chunk0, stored1);
      }
      for (Path r : ReplicaSurgery.replicasOf(m, chunk1)) {
        ReplicaSurgery.replace(r, chunk1, stored0);
      }
      for (Path r : ReplicaSurgery.replicasOf(m, plain)) {
        byte[] bytes = ReplicaSurgery.read(r);
        byte[] swapped = bytes.clone();
        System.arraycopy(bytes, BLOCK, swapped, 0, BLOCK);
        System.arraycopy(bytes, 0, swapped, BLOCK, BLOCK);
        ReplicaSurgery.replace(r, plain, swapped);
      }
    });

    byte[] edited = data.clone();
    System.arraycopy(data, CHUNK + BLOCK, edited, CHUNK, BLOCK);
    System.arraycopy(data, CHUNK, edited, CHUNK + BLOCK, BLOCK);
    assertArrayEquals(edited, Reads.stream(c, "/t/swap-plain"),
        "the plain control reads back swapped: the rewritten replicas pass the checksums");
    assertTampered("/t/swap", data);
    assertTampered("/t/swap-chunks", data);
  }

  @Test
  void aRecordOfAnotherFileAtTheSamePositionFailsAuthentication() throws Exception {
    int size = 2 * CHUNK + 100;
    byte[] dataA = TestData.random(size, 63);
    byte[] dataB = TestData.random(size, 64);
    String a = write("/t/a", dataA, Compression.NONE, true, 0);
    String b = write("/t/b", dataB, Compression.NONE, true, 0);
    String aPlain = write("/t/a-plain", dataA, Compression.NONE, false, 0);
    String bPlain = write("/t/b-plain", dataB, Compression.NONE, false, 0);
    ReplicaSurgery.operate(m, c, Map.of(b, "/t/b", bPlain, "/t/b-plain"), () -> {
      StoredChunk from = StoredChunk.parse(ReplicaSurgery.read(ReplicaSurgery.replicasOf(m, a)
          .get(0)));
      byte[] fromPlain = ReplicaSurgery.read(ReplicaSurgery.replicasOf(m, aPlain).get(0));
      for (Path r : ReplicaSurgery.replicasOf(m, b)) {
        StoredChunk to = StoredChunk.parse(ReplicaSurgery.read(r));
        assertEquals(from.records(), to.records(), "files of one size have records alike");
        StoredChunk.Rec rec = to.records().get(1);
        ReplicaSurgery.rewrite(r, b, rec.offset(), from.recordBytes(1));
      }
      for (Path r : ReplicaSurgery.replicasOf(m, bPlain)) {
        ReplicaSurgery.rewrite(r, bPlain, BLOCK, Arrays.copyOfRange(fromPlain, BLOCK, 2 * BLOCK));
      }
    });

    byte[] edited = dataB.clone();
    System.arraycopy(dataA, BLOCK, edited, BLOCK, BLOCK);
    assertArrayEquals(edited, Reads.stream(c, "/t/b-plain"),
        "the plain control reads back A's block: the rewritten replicas pass the checksums");
    assertTampered("/t/b", dataB);
    assertArrayEquals(dataA, Reads.stream(c, "/t/a"), "file A was not touched");
  }
}
