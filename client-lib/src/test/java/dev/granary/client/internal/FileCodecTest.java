package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.DeniedException;
import dev.granary.client.EncryptionKey;
import dev.granary.client.GranaryException;
import dev.granary.client.IntegrityException;
import dev.granary.wire.Compression;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Records of compressed and encrypted files: round trips, random reads, tampering, keys. */
class FileCodecTest {
  private static final int BLOCK = Limits.BLOCK_SIZE;
  private static final long CHUNK = 4L * BLOCK;
  private static final EncryptionKey KEY = EncryptionKey.generate();

  /** A file encoded into stored chunks, readable through a RecordReader. */
  private static final class Encoded {
    final FileCodec writer;
    final FileEntry entry;
    final List<byte[]> chunks = new ArrayList<>();

    Encoded(byte[] data, Compression c, boolean encrypt) throws Exception {
      writer = FileCodec.forWrite(c, encrypt ? KEY : null);
      int n = (int) ((data.length + CHUNK - 1) / CHUNK);
      long stored = 0;
      for (int i = 0; i < n; i++) {
        int at = (int) (i * CHUNK);
        int len = (int) Math.min(CHUNK, data.length - at);
        List<ByteBuf> blocks = new ArrayList<>();
        for (int b = 0; b < len; b += BLOCK) {
          blocks.add(Unpooled.wrappedBuffer(data, at + b, Math.min(BLOCK, len - b)));
        }
        BufferChunkSource src = new BufferChunkSource(blocks);
        StoredChunk s = writer.encode(i, src, i == n - 1, UnpooledByteBufAllocator.DEFAULT);
        src.release();
        byte[] bytes = new byte[(int) s.length()];
        for (int b = 0; b * BLOCK < bytes.length; b++) {
          ByteBuf buf = s.block(b, UnpooledByteBufAllocator.DEFAULT);
          buf.readBytes(bytes, b * BLOCK, buf.readableBytes());
          buf.release();
        }
        s.release();
        chunks.add(bytes);
        stored += bytes.length;
      }
      entry = new FileEntry("/f", false, data.length, 1, 3, CHUNK, n, "u", "g", 0644,
          writer.encoding().withStoredSize(stored));
    }

    RecordReader reader(EncryptionKey key, FileEntry e) throws GranaryException {
      FileCodec codec = FileCodec.forRead(e.encoding(), key, "/f");
      return new RecordReader(codec, e, "/f", new RecordReader.Stored() {
        @Override
        public int read(int chunk, long offset, ByteBuffer dst, boolean sequential) {
          byte[] c = chunks.get(chunk);
          int n = (int) Math.max(0, Math.min(dst.remaining(), c.length - offset));
          dst.put(c, (int) offset, n);
          return n;
        }

        @Override
        public long length(int chunk) {
          return chunks.get(chunk).length;
        }
      });
    }

    RecordReader reader() throws GranaryException {
      return reader(KEY, entry);
    }

    long stored() {
      return chunks.stream().mapToLong(c -> c.length).sum();
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Text-like bytes: words of a fixed vocabulary, numbers, lines. */
  static byte[] text(int n, long seed) {
    String[] words = {"granary", "chunk", "replica", "master", "block", "the", "of", "and",
        "checksum", "lease", "pulse", "server", "client", "file", "data", "stored", "read"};
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(n + 64);
    while (sb.length() < n) {
      sb.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? "\n" : " ");
      if (r.nextInt(8) == 0) {
        sb.append(r.nextInt(100000)).append(' ');
      }
    }
    return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] readAll(RecordReader r, long size, int piece, boolean sequential)
      throws GranaryException {
    byte[] out = new byte[(int) size];
    long pos = 0;
    while (pos < size) {
      ByteBuffer dst = ByteBuffer.wrap(out, (int) pos, (int) Math.min(piece, size - pos));
      int n = r.read(pos, dst, sequential);
      assertTrue(n > 0, "no progress at " + pos);
      pos += n;
    }
    assertEquals(-1, r.read(size, ByteBuffer.allocate(1), sequential));
    return out;
  }

  @Test
  void everyCombinationRoundTripsAtBlockAndChunkBoundaries() throws Exception {
    long[] sizes = {1, BLOCK - 1, BLOCK, BLOCK + 1, CHUNK - 1, CHUNK, CHUNK + 1,
        3 * CHUNK + 5};
    for (Compression c : Compression.values()) {
      for (boolean encrypt : new boolean[] {false, true}) {
        if (c == Compression.NONE && !encrypt) {
          assertNull(FileCodec.forWrite(c, null));
          continue;
        }
        for (long size : sizes) {
          byte[] data = size % 2 == 0 ? text((int) size, size) : random((int) size, size);
          Encoded e = new Encoded(data, c, encrypt);
          String what = c + (encrypt ? "+enc " : " ") + size;
          assertArrayEquals(data, readAll(e.reader(), size, 100_000, true), what);
          assertArrayEquals(data, readAll(e.reader(), size, 7_777, false), what);
          // Random reads, backwards, spanning blocks and chunks.
          RecordReader r = e.reader();
          Random rnd = new Random(size);
          for (int i = 0; i < 40; i++) {
            long at = rnd.nextInt((int) size);
            int len = (int) Math.min(size - at, 1 + rnd.nextInt(3 * BLOCK));
            byte[] got = new byte[len];
            assertEquals(len, r.read(at, ByteBuffer.wrap(got), false), what);
            for (int k = 0; k < len; k++) {
              if (got[k] != data[(int) at + k]) {
                throw new AssertionError(what + ": byte " + (at + k) + " differs");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void incompressibleDataGrowsByAFractionOfAPercentAndTextShrinks() throws Exception {
    int size = 64 * BLOCK; // 4 MiB: 16 chunks of 4 blocks
    byte[] noise = random(size, 1);
    byte[] text = text(size, 2);
    for (Compression c : new Compression[] {Compression.LZ4, Compression.ZSTD}) {
      double grown = (double) new Encoded(noise, c, false).stored() / size;
      assertTrue(grown <= 1.001, c + " on random bytes stores " + grown + " of the size");
      double ratio = (double) new Encoded(text, c, false).stored() / size;
      assertTrue(ratio < (c == Compression.ZSTD ? 0.4 : 0.6), c + " on text: " + ratio);
    }
    double sealed = (double) new Encoded(noise, Compression.NONE, true).stored() / size;
    assertTrue(sealed <= 1.001, "encryption alone stores " + sealed + " of the size");
  }

  @Test
  void theKeyMustBeTheOneThatWrappedTheDataKey() throws Exception {
    Encoded e = new Encoded(random(BLOCK * 2, 3), Compression.LZ4, true);
    assertThrows(DeniedException.class, () -> e.reader(null, e.entry));
    assertThrows(DeniedException.class, () -> e.reader(EncryptionKey.generate(), e.entry));
    // A wrapped key moved to another file (another file id) does not unwrap.
    FileEncoding moved = new FileEncoding(Compression.LZ4, 1, DataKeys.newFileId(),
        e.entry.encoding().keyId(), e.entry.encoding().wrappedKey());
    assertThrows(IntegrityException.class, () -> e.reader(KEY, e.entry.withEncoding(moved)));
  }

  @Test
  void anAlteredByteASwappedBlockAndATruncatedFileFailAuthentication() throws Exception {
    byte[] data = random((int) (2 * CHUNK), 4);
    Encoded e = new Encoded(data, Compression.NONE, true);
    int record = FileCodec.HEADER_BYTES + FileCodec.NONCE_BYTES + BLOCK + FileCodec.TAG_BYTES;
    // One byte of block 1's payload.
    e.chunks.get(0)[record + 100] ^= 1;
    assertThrows(IntegrityException.class, () -> readAll(e.reader(), data.length, BLOCK, true));
    e.chunks.get(0)[record + 100] ^= 1;
    assertArrayEquals(data, readAll(e.reader(), data.length, BLOCK, true));
    // Blocks 0 and 1 swapped (equal-size records).
    byte[] c0 = e.chunks.get(0);
    byte[] first = java.util.Arrays.copyOfRange(c0, 0, record);
    System.arraycopy(c0, record, c0, 0, record);
    System.arraycopy(first, 0, c0, record, record);
    IntegrityException x = assertThrows(IntegrityException.class,
        () -> readAll(e.reader(), data.length, BLOCK, false));
    assertTrue(x.getMessage().contains("moved"), x.getMessage());
    System.arraycopy(c0, record, c0, 0, record);
    System.arraycopy(first, 0, c0, record, record);
    // The second chunk dropped and the size cut to match: the first chunk does not end the file.
    FileEntry cut = new FileEntry("/f", false, CHUNK, 1, 3, CHUNK, 1, "u", "g", 0644,
        e.entry.encoding());
    assertThrows(IntegrityException.class, () -> readAll(e.reader(KEY, cut), CHUNK, BLOCK, true));
    // A block from another file at the same position.
    Encoded other = new Encoded(random((int) (2 * CHUNK), 5), Compression.NONE, true);
    System.arraycopy(other.chunks.get(0), 0, c0, 0, record);
    assertThrows(IntegrityException.class, () -> readAll(e.reader(), data.length, BLOCK, true));
  }
}
