package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.IntegrityException;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.FileEntry;
import java.nio.ByteBuffer;
import dev.granary.client.InternalException;
import dev.granary.client.UnavailableException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

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
  /** Blocks a sequential reader has decoded ahead: 256 KiB, and 4 × 130 KiB of buffers. */
  static final int AHEAD = 4;

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
  /** Decode blocks ahead of a sequential reader; null: decode on the reader's thread only. */
  private final Executor workers;
  private final Map<Integer, int[]> indexes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, int[]> eldest) {
      return size() > MAX_INDEXES;
    }
  };
  /** A record's bytes as read and its decoded block, with the buffers reused for both. */
  private final class Slot {
    final byte[] header = new byte[FileCodec.HEADER_BYTES];
    final byte[] body = new byte[codec.maxBody()];
    final byte[] scratch = new byte[codec.maxBody()];
    final byte[] out = new byte[Limits.BLOCK_SIZE];
    int chunk = -1;
    int block;
    int length;
    FileCodec.Header h;
    /** The decode running on a worker; null once taken or when decoded inline. */
    Future<Void> task;
    /** Reading the record failed: thrown when the block is asked for, not before. */
    GranaryException failure;

    void decode() throws IntegrityException {
      codec.decode(chunk, block, header, h, body, length, isLast(chunk, block, length),
          what(chunk), scratch, out);
    }
  }

  /** The block served now (its {@code out}), or null. */
  private Slot current;
  /** Sequential reads: the next blocks, read and being decoded on the workers, in order. */
  private final ArrayDeque<Slot> ahead = new ArrayDeque<>();
  private final ArrayDeque<Slot> free = new ArrayDeque<>();
  /** Where the record after the last one read starts. */
  private int nextChunk = -1;
  private int nextBlock;
  private long nextOffset;

  RecordReader(FileCodec codec, FileEntry entry, String path, Stored stored, Executor workers) {
    this.codec = codec;
    this.entry = entry;
    this.path = path;
    this.stored = stored;
    this.workers = workers;
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
      Slot s = block(chunk, block, sequential);
      int n = Math.min(dst.remaining(), s.length - inBlock);
      if (n <= 0) {
        throw new IntegrityException(what(chunk) + ": block " + block + " holds " + s.length
            + " bytes; the read at " + inBlock + " in it found none");
      }
      dst.put(s.out, inBlock, n);
      pos += n;
      total += n;
    }
    return total;
  }

  /**
   * Block {@code block} of chunk {@code chunk}, decoded: the current one, the next one decoded
   * ahead, or read and decoded now. A sequential read then keeps up to {@link #AHEAD} blocks
   * being decoded on the workers while the caller copies (decryption and decompression overlap
   * the reading of the next records).
   */
  private Slot block(int chunk, int block, boolean sequential) throws GranaryException {
    if (current != null && current.chunk == chunk && current.block == block) {
      return current;
    }
    Slot next = ahead.peekFirst();
    Slot s;
    if (sequential && next != null && next.chunk == chunk && next.block == block) {
      s = ahead.pollFirst();
      await(s);
    } else {
      drainAhead();
      s = slot();
      try {
        readRecord(s, chunk, block, sequential);
        s.decode();
      } catch (GranaryException | RuntimeException e) {
        free.add(s);
        throw e;
      }
    }
    if (current != null) {
      free.add(current);
    }
    current = s;
    if (sequential && workers != null) {
      fillAhead();
    }
    return s;
  }

  /** Reads and hands to the workers the records after the last one read, up to {@link #AHEAD}. */
  private void fillAhead() {
    while (ahead.size() < AHEAD && nextChunk >= 0
        && nextChunk * entry.chunkSize() + (long) nextBlock * Limits.BLOCK_SIZE < entry.size()) {
      Slot s = slot();
      ahead.addLast(s);
      try {
        readRecord(s, nextChunk, nextBlock, true);
      } catch (GranaryException e) {
        s.failure = e; // thrown if and when the caller gets there
        return;
      }
      FutureTask<Void> task = new FutureTask<>(() -> {
        s.decode();
        return null;
      });
      s.task = task;
      try {
        workers.execute(task);
      } catch (RejectedExecutionException e) {
        task.run(); // the client is closing: decode here rather than fail the read
      }
    }
  }

  /** Waits for {@code s}'s decode; throws what reading or decoding it threw. */
  private void await(Slot s) throws GranaryException {
    try {
      if (s.failure != null) {
        throw s.failure;
      }
      if (s.task != null) {
        s.task.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      free.add(s);
      throw new UnavailableException(what(s.chunk) + ": interrupted", e);
    } catch (ExecutionException e) {
      free.add(s);
      if (e.getCause() instanceof GranaryException g) {
        throw g;
      }
      throw new InternalException(what(s.chunk) + ": decoding block " + s.block + " failed: "
          + e.getCause(), e.getCause());
    } catch (GranaryException e) {
      free.add(s);
      throw e;
    } finally {
      s.task = null;
      s.failure = null;
    }
  }

  /** Drops the blocks decoded ahead (after their decodes end: they use the slots' buffers). */
  private void drainAhead() {
    for (Slot s : ahead) {
      if (s.task != null) {
        try {
          s.task.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          // a block nobody asks for any more: its failure does not matter
        }
      }
      s.task = null;
      s.failure = null;
      free.add(s);
    }
    ahead.clear();
    nextChunk = -1;
  }

  private Slot slot() {
    Slot s = free.poll();
    return s != null ? s : new Slot();
  }

  /** Reads block {@code block}'s record of chunk {@code chunk} into {@code s}. */
  private void readRecord(Slot s, int chunk, int block, boolean sequential)
      throws GranaryException {
    s.chunk = -1;
    long offset = chunk == nextChunk && block == nextBlock ? nextOffset : index(chunk)[block];
    String what = what(chunk);
    readFully(chunk, offset, s.header, s.header.length, sequential, what);
    FileCodec.Header h = codec.header(s.header, what);
    if (h.bodyLength() > s.body.length) {
      throw new IntegrityException(what + ": block " + block + "'s record claims "
          + h.bodyLength() + " bytes, more than any record of this file can have");
    }
    readFully(chunk, offset + FileCodec.HEADER_BYTES, s.body, h.bodyLength(), sequential, what);
    long cs = entry.chunkSize();
    long blockStart = chunk * cs + (long) block * Limits.BLOCK_SIZE;
    s.length = (int) Math.min(Limits.BLOCK_SIZE,
        Math.min((chunk + 1) * cs, entry.size()) - blockStart);
    s.h = h;
    s.chunk = chunk;
    s.block = block;
    if ((long) (block + 1) * Limits.BLOCK_SIZE < cs) {
      nextChunk = chunk;
      nextBlock = block + 1;
      nextOffset = offset + h.recordLength();
    } else {
      nextChunk = chunk + 1;
      nextBlock = 0;
      nextOffset = 0;
    }
  }

  /** Whether the {@code length} bytes of block {@code block} of chunk {@code chunk} end the file. */
  private boolean isLast(int chunk, int block, int length) {
    return chunk * entry.chunkSize() + (long) block * Limits.BLOCK_SIZE + length == entry.size();
  }

  private void readFully(int chunk, long offset, byte[] into, int length, boolean sequential,
      String what) throws GranaryException {
    int n = stored.read(chunk, offset, ByteBuffer.wrap(into, 0, length), sequential);
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
    readFully(chunk, indexStart, raw, raw.length, false, what);
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
