package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.IntegrityException;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.FileEntry;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads of a compressed or encrypted file ({@link FileCodec}): a logical position maps to a chunk
 * and a 64 KiB block in it, whose record is read from the stored bytes and decoded. A sequential
 * read walks the records one after another (each ends where the next starts); a random read looks
 * its record up in the chunk's index, fetched once per chunk and kept (for the last
 * {@link #MAX_INDEXES} chunks). The last decoded block is kept, so small reads within one block
 * decode it once. Not thread-safe (as {@link FileReader}).
 */
final class RecordReader {
  /** Chunk indexes kept per reader: 4 KiB each for 64 MiB chunks. */
  static final int MAX_INDEXES = 64;

  /** A file's stored bytes, by chunk. */
  interface Stored {
    /** Reads from {@code offset} of chunk {@code chunk} until {@code dst} is full or it ends. */
    int read(int chunk, long offset, ByteBuffer dst, boolean sequential) throws GranaryException;

    /** Stored bytes of chunk {@code chunk}. */
    long length(int chunk) throws GranaryException;
  }

  private final FileCodec codec;
  private final FileEntry entry;
  private final String path;
  private final Stored stored;
  private final Map<Integer, int[]> indexes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, int[]> eldest) {
      return size() > MAX_INDEXES;
    }
  };
  /** The last decoded block: {@code decoded[0, decodedLength)}. */
  private int cachedChunk = -1;
  private int cachedBlock;
  private final byte[] decoded = new byte[Limits.BLOCK_SIZE];
  private int decodedLength;
  /** A record's header and body as read, and the decrypted payload: reused block after block. */
  private final byte[] headerBytes = new byte[FileCodec.HEADER_BYTES];
  private final byte[] body;
  private final byte[] scratch;
  /** Where the record after the last one decoded starts. */
  private int nextChunk = -1;
  private int nextBlock;
  private long nextOffset;

  RecordReader(FileCodec codec, FileEntry entry, String path, Stored stored) {
    this.codec = codec;
    this.entry = entry;
    this.path = path;
    this.stored = stored;
    this.body = new byte[codec.maxBody()];
    this.scratch = new byte[codec.maxBody()];
  }

  /** As {@link FileReader#read}: bytes read, or -1 at the end of the file. */
  int read(long position, ByteBuffer dst, boolean sequential) throws GranaryException {
    long size = entry.size();
    if (position >= size) {
      return -1;
    }
    long cs = entry.chunkSize();
    int total = 0;
    long pos = position;
    while (dst.hasRemaining() && pos < size) {
      int chunk = (int) (pos / cs);
      long inChunk = pos % cs;
      int block = (int) (inChunk / Limits.BLOCK_SIZE);
      int inBlock = (int) (inChunk % Limits.BLOCK_SIZE);
      int whole = blockLength(chunk, block);
      if (inBlock == 0 && dst.hasArray() && dst.remaining() >= whole
          && !(chunk == cachedChunk && block == cachedBlock)) {
        // A whole block wanted: decoded straight into the caller's buffer (one copy less).
        decode(chunk, block, sequential, dst.array(), dst.arrayOffset() + dst.position());
        dst.position(dst.position() + whole);
        pos += whole;
        total += whole;
        continue;
      }
      int length = decode(chunk, block, sequential);
      int n = Math.min(dst.remaining(), length - inBlock);
      if (n <= 0) {
        throw new IntegrityException(what(chunk) + ": block " + block + " holds " + length
            + " bytes; the read at " + inBlock + " in it found none");
      }
      dst.put(decoded, inBlock, n);
      pos += n;
      total += n;
    }
    return total;
  }

  /** Decodes block {@code block} of chunk {@code chunk} into {@link #decoded}; its length. */
  private int decode(int chunk, int block, boolean sequential) throws GranaryException {
    if (chunk == cachedChunk && block == cachedBlock) {
      return decodedLength;
    }
    cachedChunk = -1; // the buffer is overwritten now, whether the decode succeeds or not
    int length = decode(chunk, block, sequential, decoded, 0);
    cachedChunk = chunk;
    cachedBlock = block;
    decodedLength = length;
    return length;
  }

  /** The logical bytes of block {@code block} of chunk {@code chunk}. */
  private int blockLength(int chunk, int block) {
    long cs = entry.chunkSize();
    long blockStart = chunk * cs + (long) block * Limits.BLOCK_SIZE;
    return (int) Math.min(Limits.BLOCK_SIZE, Math.min((chunk + 1) * cs, entry.size())
        - blockStart);
  }

  /**
   * Reads block {@code block}'s record of chunk {@code chunk} and decodes it into {@code out}
   * from {@code outOff}; returns its length.
   */
  private int decode(int chunk, int block, boolean sequential, byte[] out, int outOff)
      throws GranaryException {
    long offset = chunk == nextChunk && block == nextBlock ? nextOffset
        : index(chunk)[block];
    String what = what(chunk);
    readFully(chunk, offset, headerBytes, 0, headerBytes.length, sequential, what);
    FileCodec.Header h = codec.header(headerBytes, what);
    if (h.bodyLength() > body.length) {
      throw new IntegrityException(what + ": block " + block + "'s record claims "
          + h.bodyLength() + " bytes, more than any record of this file can have");
    }
    long cs = entry.chunkSize();
    int expected = blockLength(chunk, block);
    if (h.codec() == 0 && !codec.encrypted()) {
      // Stored raw, not sealed: its payload is the block; read it where it goes.
      if (h.logicalLength() != expected || h.payloadLength() != expected) {
        throw new IntegrityException(what + ": raw block " + block + " holds "
            + h.payloadLength() + " bytes, where the file's size says " + expected);
      }
      readFully(chunk, offset + FileCodec.HEADER_BYTES, out, outOff, expected, sequential, what);
    } else {
      readFully(chunk, offset + FileCodec.HEADER_BYTES, body, 0, h.bodyLength(), sequential,
          what);
      boolean last = chunk * cs + (long) block * Limits.BLOCK_SIZE + expected == entry.size();
      codec.decode(chunk, block, headerBytes, h, body, expected, last, what, scratch, out,
          outOff);
    }
    if ((long) (block + 1) * Limits.BLOCK_SIZE < cs) {
      nextChunk = chunk;
      nextBlock = block + 1;
      nextOffset = offset + h.recordLength();
    } else {
      nextChunk = chunk + 1;
      nextBlock = 0;
      nextOffset = 0;
    }
    return expected;
  }

  private void readFully(int chunk, long offset, byte[] into, int at, int length,
      boolean sequential, String what) throws GranaryException {
    int n = stored.read(chunk, offset, ByteBuffer.wrap(into, at, length), sequential);
    if (n < length) {
      throw new IntegrityException(what + ": the chunk ends inside a record (at byte "
          + (offset + n) + ")");
    }
  }

  /** The offsets of chunk {@code chunk}'s records, from its index (read once). */
  private int[] index(int chunk) throws GranaryException {
    int[] offsets = indexes.get(chunk);
    if (offsets != null) {
      return offsets;
    }
    String what = what(chunk);
    long length = stored.length(chunk);
    long cs = entry.chunkSize();
    long logical = Math.min(cs, entry.size() - chunk * cs);
    int blocks = (int) ((logical + Limits.BLOCK_SIZE - 1) / Limits.BLOCK_SIZE);
    long indexStart = length - FileCodec.INDEX_TAIL_BYTES - 4L * blocks;
    if (indexStart < 0) {
      throw new IntegrityException(what + ": " + length + " bytes cannot hold " + blocks
          + " records and their index");
    }
    byte[] raw = new byte[4 * blocks + FileCodec.INDEX_TAIL_BYTES];
    readFully(chunk, indexStart, raw, 0, raw.length, false, what);
    ByteBuffer b = ByteBuffer.wrap(raw);
    offsets = new int[blocks];
    long previous = -1;
    for (int i = 0; i < blocks; i++) {
      offsets[i] = b.getInt();
      if (offsets[i] <= previous || offsets[i] >= indexStart) {
        throw new IntegrityException(what + ": its record index is damaged (record " + i
            + " at " + offsets[i] + ")");
      }
      previous = offsets[i];
    }
    int count = b.getInt();
    int magic = b.getInt();
    if (count != blocks || magic != FileCodec.INDEX_MAGIC) {
      throw new IntegrityException(what + ": its record index is damaged (" + count
          + " records, magic " + Integer.toHexString(magic) + "; expected " + blocks + ")");
    }
    indexes.put(chunk, offsets);
    return offsets;
  }

  private String what(int chunk) {
    return "chunk " + chunk + " of " + path;
  }
}
