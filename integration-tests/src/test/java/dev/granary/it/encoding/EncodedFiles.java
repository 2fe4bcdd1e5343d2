package dev.granary.it.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.client.ChunkInfo;
import dev.granary.client.FileInfo;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import dev.granary.wire.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing files both ways the client offers, and checking what stat says of their encoding. */
final class EncodedFiles {
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
      // Two writes, the second unaligned, so the stream's buffering is exercised too.
      int half = data.length / 3;
      out.write(data, 0, half);
      out.write(data, half, data.length - half);
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
}
