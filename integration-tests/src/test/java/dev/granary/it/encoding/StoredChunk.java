package dev.granary.it.encoding;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The stored format of one chunk of a compressed or encrypted file, as issue 20 defines it: one
 * record per logical 64 KiB block, then an index. Record: header (u8 codec, u8 flags with bit 0
 * encrypted and bit 1 last block of the file, u32 logical length, u32 payload length), a 12-byte
 * nonce if encrypted, the payload. Index: u32 offset of each record, u32 record count, u32 magic
 * {@code 0x47524958}; all big-endian. Parsed strictly, so a test fails loudly if the format on
 * disk is not the one it means to tamper with.
 *
 * @param bytes the replica's bytes
 * @param records the records in order
 */
record StoredChunk(byte[] bytes, List<Rec> records) {
  static final int MAGIC = 0x47524958;
  static final int HEADER = 10;
  static final int NONCE = 12;
  static final int FLAG_ENCRYPTED = 1;
  static final int FLAG_LAST = 2;

  /**
   * One record.
   *
   * @param offset where it starts in the chunk
   * @param length its bytes: header, nonce and payload
   * @param codec 0 raw, 1 lz4, 2 zstd
   * @param flags bit 0 encrypted, bit 1 last block of the file
   * @param logicalLength the block's bytes before encoding
   * @param payloadLength the payload's bytes (with the GCM tag if encrypted)
   */
  record Rec(int offset, int length, int codec, int flags, int logicalLength,
      int payloadLength) {
    boolean encrypted() {
      return (flags & FLAG_ENCRYPTED) != 0;
    }

    /** Where the payload starts in the chunk. */
    int payloadOffset() {
      return offset + HEADER + (encrypted() ? NONCE : 0);
    }
  }

  /**
   * Parses a stored chunk.
   *
   * @throws IllegalArgumentException naming what does not match the format
   */
  static StoredChunk parse(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < 8 || b.getInt(bytes.length - 4) != MAGIC) {
      throw new IllegalArgumentException("no index magic at the end of a chunk of "
          + bytes.length + " bytes");
    }
    int count = b.getInt(bytes.length - 8);
    int indexAt = bytes.length - 8 - 4 * count;
    if (count < 0 || indexAt < 0) {
      throw new IllegalArgumentException("index of " + count + " records in " + bytes.length
          + " bytes");
    }
    List<Rec> recs = new ArrayList<>(count);
    int expectedAt = 0;
    for (int i = 0; i < count; i++) {
      int off = b.getInt(indexAt + 4 * i);
      if (off != expectedAt) {
        throw new IllegalArgumentException("record " + i + " at " + off + ", expected "
            + expectedAt + " (records follow each other)");
      }
      int codec = bytes[off] & 0xFF;
      int flags = bytes[off + 1] & 0xFF;
      int logical = b.getInt(off + 2);
      int payload = b.getInt(off + 6);
      int len = HEADER + ((flags & FLAG_ENCRYPTED) != 0 ? NONCE : 0) + payload;
      recs.add(new Rec(off, len, codec, flags, logical, payload));
      expectedAt = off + len;
    }
    if (expectedAt != indexAt) {
      throw new IllegalArgumentException("records end at " + expectedAt + ", index starts at "
          + indexAt);
    }
    return new StoredChunk(bytes, List.copyOf(recs));
  }

  /** The bytes of record {@code i}: header, nonce and payload. */
  byte[] recordBytes(int i) {
    Rec r = records.get(i);
    return Arrays.copyOfRange(bytes, r.offset(), r.offset() + r.length());
  }
}
