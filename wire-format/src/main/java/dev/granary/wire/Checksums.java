package dev.granary.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Block checksums and replica digests, shared by client, chunkserver and master so that all three
 * compute them identically.
 *
 * <p>Every {@link Limits#BLOCK_SIZE} block of a replica has a CRC32C. The replica's <em>digest</em>,
 * used for majority voting, is a 64-bit value computed from its length and its block CRCs in order:
 * the high half is CRC32C and the low half CRC32 of that sequence, so two replicas with any differing
 * block differ in digest with overwhelming probability, and no byte of data is read twice to make it.
 */
public final class Checksums {
  private static final HexFormat HEX = HexFormat.of();
  private Checksums() {}

  public static int crc32c(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    return (int) c.getValue();
  }

  public static int crc32c(ByteBuffer data) {
    CRC32C c = new CRC32C();
    c.update(data.duplicate());
    return (int) c.getValue();
  }

  /** CRC32C of the readable bytes of {@code buf}; does not move its indices. */
  public static int crc32c(ByteBuf buf) {
    CRC32C c = new CRC32C();
    int n = buf.readableBytes();
    if (n == 0) {
      return (int) c.getValue();
    }
    if (buf.nioBufferCount() == 1) {
      c.update(buf.nioBuffer(buf.readerIndex(), n));
    } else {
      for (ByteBuffer b : buf.nioBuffers(buf.readerIndex(), n)) {
        c.update(b);
      }
    }
    return (int) c.getValue();
  }

  /** Number of checksum blocks covering {@code length} bytes. */
  public static int blockCount(long length) {
    return (int) ((length + Limits.BLOCK_SIZE - 1) / Limits.BLOCK_SIZE);
  }

  /** Digest of a replica of {@code length} bytes whose block CRC32Cs are {@code crcs[0..count)}. */
  public static long digest(long length, int[] crcs, int count) {
    CRC32C hi = new CRC32C();
    CRC32 lo = new CRC32();
    byte[] b = new byte[8];
    putLong(b, length);
    hi.update(b, 0, 8);
    lo.update(b, 0, 8);
    for (int i = 0; i < count; i++) {
      int v = crcs[i];
      b[0] = (byte) (v >>> 24);
      b[1] = (byte) (v >>> 16);
      b[2] = (byte) (v >>> 8);
      b[3] = (byte) v;
      hi.update(b, 0, 4);
      lo.update(b, 0, 4);
    }
    return (hi.getValue() << 32) | lo.getValue();
  }

  /** Digest rendered as 16 lowercase hex digits, as shown by fsck and logs. */
  public static String formatDigest(long digest) {
    return HEX.toHexDigits(digest); // not String.format: see ChunkHandles.format
  }

  private static void putLong(byte[] b, long v) {
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
  }
}
