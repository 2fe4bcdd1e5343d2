package dev.granary.it.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.Compression;
import dev.granary.client.FileInfo;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import dev.granary.it.MiniCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Writing files both ways the client offers, and checking what stat says of their encoding. */
final class EncodedFiles {
  private static final int BLOCK = Reads.BLOCK;

  private EncodedFiles() {}

  /** Options with {@code chunkSize}, {@code compression} and {@code encrypt}. */
  static WriteOptions options(long chunkSize, Compression compression, boolean encrypt) {
    return WriteOptions.defaults().withChunkSize(chunkSize).withCompression(compression)
        .withEncrypt(encrypt);
  }

  /** Writes {@code data} through {@link GranaryClient#create}. */
  static void create(GranaryClient c, String path, byte[] data, WriteOptions options)
      throws IOException, GranaryException {
    try (OutputStream out = c.create(path, options)) {
      // Single bytes, a flush, then two unaligned writes: the stream's buffering is exercised
      // too, and a flush must not cut a block short.
      int single = Math.min(data.length, 1000);
      for (int i = 0; i < single; i++) {
        out.write(data[i]);
      }
      out.flush();
      int third = Math.max(single, data.length / 3);
      out.write(data, single, third - single);
      out.write(data, third, data.length - third);
    }
  }

  /** Uploads {@code data} from a local file under {@code dir} through {@link GranaryClient#put}. */
  static FileStatus put(GranaryClient c, Path dir, String path, byte[] data,
      WriteOptions options) throws IOException, GranaryException {
    Path local = Files.createTempFile(dir, "put-", ".bin");
    try {
      Files.write(local, data);
      return c.put(local, path, options, TransferListener.NONE);
    } finally {
      Files.delete(local);
    }
  }

  /**
   * Asserts stat of {@code path}: {@code size} logical bytes, the compression label, the
   * encrypted flag, and a stored size that is the sum of its chunks' lengths; returns the status.
   */
  static FileStatus assertEncoding(GranaryClient c, String path, long size,
      Compression compression, boolean encrypted) throws GranaryException {
    FileInfo info = c.statWithChunks(path);
    FileStatus st = info.status();
    long stored = 0;
    for (ChunkInfo ch : info.chunks()) {
      stored += ch.size();
    }
    String what = path + " " + st;
    assertEquals(size, st.size(), "logical size of " + what);
    assertEquals(compression.label(), st.compression(), "compression of " + what);
    assertEquals(encrypted, st.encrypted(), "encrypted flag of " + what);
    assertEquals(stored, st.storedSize(), "stored size vs the chunks' lengths of " + what
        + " " + info.chunks());
    assertEquals(st, c.stat(path), "stat and statWithChunks of " + path);
    return st;
  }

  /** The codec byte records of {@code compression} carry: its id in the wire protocol. */
  static int codecId(Compression compression) {
    return dev.granary.wire.Compression.ofLabel(compression.label()).id();
  }

  /**
   * Asserts what the replicas of {@code path} (written from {@code data}) hold on the disks: a
   * plain file's chunks verbatim; an encoded file's chunks in the record format, one record per
   * logical 64 KiB block with its logical length, the encrypted flag on every record, the
   * last-block flag on the file's last record only, raw or the file's codec in each record, and
   * (for a file of a block or more) at least one record actually compressed.
   */
  static void assertStoredFormat(MiniCluster m, GranaryClient c, String path, byte[] data,
      Compression compression, boolean encrypted) throws Exception {
    FileInfo info = c.statWithChunks(path);
    long chunkSize = info.status().chunkSize();
    int compressedRecords = 0;
    for (ChunkInfo ch : info.chunks()) {
      int from = (int) (ch.index() * chunkSize);
      int to = (int) Math.min(data.length, from + chunkSize);
      for (Path replica : m.replicaFiles(ch.handle())) {
        byte[] bytes = Files.readAllBytes(replica);
        String what = path + " chunk " + ch.index() + " replica " + replica;
        assertEquals(ch.size(), bytes.length, "stored length of " + what);
        if (compression == Compression.NONE && !encrypted) {
          assertArrayEquals(Arrays.copyOfRange(data, from, to), bytes, "verbatim " + what);
          continue;
        }
        List<StoredChunk.Rec> recs = StoredChunk.parse(bytes).records();
        assertEquals((to - from + BLOCK - 1) / BLOCK, recs.size(), "records of " + what);
        boolean lastChunk = ch.index() == info.chunks().size() - 1;
        for (int i = 0; i < recs.size(); i++) {
          StoredChunk.Rec r = recs.get(i);
          String rec = "record " + i + " " + r + " of " + what;
          assertEquals(Math.min(BLOCK, to - from - i * BLOCK), r.logicalLength(), rec);
          assertEquals(encrypted, r.encrypted(), "encrypted flag of " + rec);
          boolean last = lastChunk && i == recs.size() - 1;
          assertEquals(last, (r.flags() & StoredChunk.FLAG_LAST) != 0, "last flag of " + rec);
          assertTrue(r.codec() == 0 || r.codec() == codecId(compression), "codec of " + rec);
          compressedRecords += r.codec() == 0 ? 0 : 1;
        }
      }
    }
    if (compression != Compression.NONE && data.length >= BLOCK) {
      assertTrue(compressedRecords > 0, path + ": no record compressed with " + compression);
    }
  }
}
