package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.InternalException;
import dev.granary.client.UnavailableException;
import dev.granary.wire.Checksums;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.NodeAddress;
import io.netty.buffer.ByteBuf;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random and sequential reads of one file, or one kept version of it, as it was when opened (its
 * entry and chunk handles are fixed at open; a replacement of the file is detected, never mixed
 * in; locations are asked for, and cached, per version).
 *
 * <p>Sequential reads stream: each chunk is asked for once, from the block the read starts at to its
 * end, of one replica (the least loaded), and its packets are taken off the socket by the reader's
 * own thread as it consumes them ({@link ChunkStream}); the next chunk is asked for as soon as a
 * chunk starts, so its first megabytes wait in the socket by the time the reader gets there. Each
 * packet is verified block by block before any of it is copied, once, into the caller's buffer.
 * Memory stays bounded at two packets per reader. A stream that fails (checksum mismatch, error,
 * lost connection, timeout) is dropped; its replica is not streamed from again by this reader
 * (and is reported if corrupt), and the next {@link #WINDOW_BLOCKS} blocks are fetched by
 * {@link BlockFetcher}, which fails over between replicas, before a stream is tried again.
 *
 * <p>Random reads fetch just the blocks they need, on the caller's thread. So do sequential reads of
 * a file of one window (a small file): one request for all of it. The block cache is consulted
 * before any fetch or new stream.
 * Blocks read sequentially are added to it only if the whole file fits in the cache: streaming a
 * larger file through it would only evict everything else for blocks that are themselves evicted
 * before the next pass (a scan). Not thread-safe.
 */
final class FileReader {
  private static final Logger log = LoggerFactory.getLogger(FileReader.class);

  /** Blocks fetched at once by random reads, small files, and after a failed stream: 4 MiB. */
  static final int WINDOW_BLOCKS = 64;

  /**
   * The streams of the sequential read: the chunk being read and the next one. Used by the
   * reader's thread, and by the cleaner's once the reader is unreachable, hence synchronized.
   */
  private static final class Streams {
    private ChunkStream current;
    private ChunkStream ahead;

    synchronized ChunkStream current() {
      return current;
    }

    synchronized ChunkStream ahead() {
      return ahead;
    }

    /** Makes {@code s} current (closing the current one unless it is {@code s}). */
    synchronized void setCurrent(ChunkStream s) {
      if (current != null && current != s) {
        current.close();
      }
      if (ahead == s) {
        ahead = null;
      }
      current = s;
    }

    synchronized void setAhead(ChunkStream s) {
      if (ahead != null && ahead != s) {
        ahead.close();
      }
      ahead = s;
    }

    synchronized void closeAll() {
      setCurrent(null);
      setAhead(null);
    }
  }

  private final ClientContext ctx;
  private final BlockFetcher fetcher;
  private final String path;
  /** The version read: 0 for the current contents (followed as the file is replaced), or N. */
  private final long version;
  private final FileEntry entry;
  /** Decodes a compressed or encrypted file's records; null for a plain file. */
  private final RecordReader records;
  private final boolean cacheSequential;
  /** The file is one window: sequential reads fetch it like a random read, with no read-ahead. */
  private final boolean oneWindow;
  private final Map<Integer, ChunkLocation> chunks = new ConcurrentHashMap<>();
  private final Streams streams = new Streams();
  /** Closes the streams if the reader is dropped without being closed (they hold connections). */
  private final Cleaner.Cleanable cleanable;
  /** Replicas found corrupt by this reader, per chunk index (never asked again). */
  private final Map<Integer, Set<String>> corrupt = new HashMap<>();
  /** Replicas whose stream failed, per chunk index (not streamed from again). */
  private final Map<Integer, Set<String>> failed = new HashMap<>();
  /** After a failed stream: blocks before {@code fallbackEnd} of this chunk come from fetches. */
  private int fallbackChunk = -1;
  private int fallbackEnd;
  /** The last random-read span: chunk, first block and blocks. */
  private int spanChunk = -1;
  private int spanFirst;
  private byte[][] spanBlocks;

  /**
   * @param cleaner closes the streams of a reader that is dropped without {@link #close()}
   */
  public FileReader(ClientContext ctx, BlockFetcher fetcher, String path, long version,
      LookupResponse first, Cleaner cleaner, FileCodec codec) {
    this.ctx = ctx;
    this.fetcher = fetcher;
    this.path = path;
    this.version = version;
    this.entry = first.file();
    this.records = codec == null ? null : new RecordReader(codec, entry, path, new RecordReader.Stored() {
      @Override
      public int read(int chunk, long offset, ByteBuffer dst, boolean sequential)
          throws GranaryException {
        return readStored(chunk, offset, dst, sequential);
      }

      @Override
      public long length(int chunk) throws GranaryException {
        return location(chunk).length();
      }
    });
    this.oneWindow = entry.chunkCount() == 1
        && Checksums.blockCount(entry.storedSize()) <= WINDOW_BLOCKS;
    absorb(first);
    // Readers open at once share the cache (see BlockCache.readerOpened); the cleaning action
    // counts this one out, whether it is closed or dropped.
    BlockCache blocks = ctx.blocks();
    Streams open = streams;
    int others = blocks.readerOpened();
    this.cacheSequential = blocks.enabled()
        && entry.storedSize() <= blocks.capacity() / (others + 1);
    this.cleanable = cleaner.register(this, () -> {
      open.closeAll();
      blocks.readerClosed();
    });
  }

  public FileEntry entry() {
    return entry;
  }

  public long size() {
    return entry.size();
  }

  private void absorb(LookupResponse r) {
    for (ChunkLocation c : r.chunks()) {
      chunks.merge(c.index(), c, (old, fresh) -> tokenExpiring(old) ? fresh : old);
    }
  }

  /**
   * Whether the chunk token of {@code c} expires soon: a reader open for longer than a token
   * lives asks the master again rather than be refused by the chunkserver.
   */
  private static boolean tokenExpiring(ChunkLocation c) {
    return !c.token().isNone() && System.currentTimeMillis()
        >= c.token().expiryMillis() - LocationCache.TOKEN_MARGIN_MILLIS;
  }

  private ChunkLocation location(int index) throws GranaryException {
    ChunkLocation c = chunks.get(index);
    if (c != null && !tokenExpiring(c)) {
      return c;
    }
    LookupResponse r = ctx.locations().lookup(path, version, index, false);
    checkSame(r.file());
    absorb(r);
    c = chunks.get(index);
    if (c == null) {
      throw new InternalException(path + ": master returned no location for chunk " + index
          + " of " + entry.chunkCount());
    }
    return c;
  }

  private void checkSame(FileEntry now) throws UnavailableException {
    if (now.size() != entry.size() || now.chunkCount() != entry.chunkCount()
        || now.modifiedMillis() != entry.modifiedMillis()) {
      throw new UnavailableException(path + ": replaced while being read; read it again");
    }
  }

  private BlockFetcher.Located refresh(int index) throws GranaryException {
    LookupResponse r = ctx.locations().lookup(path, version, index, true);
    checkSame(r.file());
    for (ChunkLocation c : r.chunks()) {
      if (c.index() == index) {
        chunks.put(index, c);
        return new BlockFetcher.Located(c, r.locationsComplete());
      }
    }
    throw new InternalException(path + ": master returned no location for chunk " + index);
  }

  /**
   * Reads up to {@code dst.remaining()} bytes at {@code position}.
   *
   * @param sequential the caller reads on from where this read ends (enables read-ahead)
   * @return bytes read, or -1 at end of file
   */
  public int read(long position, ByteBuffer dst, boolean sequential) throws GranaryException {
    if (records != null) {
      return records.read(position, dst, sequential);
    }
    if (position >= entry.size()) {
      return -1;
    }
    int total = 0;
    long pos = position;
    while (dst.hasRemaining() && pos < entry.size()) {
      int n = piece((int) (pos / entry.chunkSize()), pos % entry.chunkSize(), dst, sequential);
      pos += n;
      total += n;
    }
    return total;
  }

  /**
   * Reads stored bytes of chunk {@code chunk} from {@code offset} until {@code dst} is full or the
   * chunk ends (a compressed or encrypted file's records).
   *
   * @return bytes read, fewer than asked only at the chunk's end
   */
  int readStored(int chunk, long offset, ByteBuffer dst, boolean sequential)
      throws GranaryException {
    long length = location(chunk).length();
    int total = 0;
    while (dst.hasRemaining() && offset < length) {
      int n = piece(chunk, offset, dst, sequential);
      offset += n;
      total += n;
    }
    return total;
  }

  /** Copies from one block of chunk {@code chunk} at {@code inChunk}; returns how much. */
  private int piece(int chunk, long inChunk, ByteBuffer dst, boolean sequential)
      throws GranaryException {
    int block = (int) (inChunk / Limits.BLOCK_SIZE);
    int inBlock = (int) (inChunk % Limits.BLOCK_SIZE);
    int n;
    if (sequential && !oneWindow) {
      n = readSequential(chunk, block, inBlock, dst);
    } else if (sequential) {
      // A small file: the whole of it in one request on this thread (no read-ahead to overlap
      // with, so a window in flight would only add a hand-off to the event loop and back).
      n = copy(randomBlock(chunk, block, WINDOW_BLOCKS, cacheSequential), inBlock, dst);
    } else {
      int wanted = Checksums.blockCount(inBlock + (long) dst.remaining());
      n = copy(randomBlock(chunk, block, wanted, true), inBlock, dst);
    }
    if (n <= 0) {
      throw new InternalException(path + ": chunk " + chunk + " is shorter than the file says");
    }
    return n;
  }

  private static int copy(byte[] data, int inBlock, ByteBuffer dst) {
    int n = Math.min(dst.remaining(), data.length - inBlock);
    if (n > 0) {
      dst.put(data, inBlock, n);
    }
    return n;
  }

  private static int copy(ByteBuf data, int inBlock, ByteBuffer dst) {
    int n = Math.min(dst.remaining(), data.readableBytes() - inBlock);
    if (n > 0) {
      ByteBuffer d = dst.duplicate();
      d.limit(d.position() + n);
      data.getBytes(data.readerIndex() + inBlock, d);
      dst.position(dst.position() + n);
    }
    return n;
  }

  // ---------------------------------------------------------------- sequential

  private int readSequential(int chunk, int block, int inBlock, ByteBuffer dst)
      throws GranaryException {
    ChunkLocation loc = location(chunk);
    ChunkStream s = streams.current();
    if (s == null || !s.serves(chunk, block)) {
      if (cacheSequential) {
        byte[] cached = ctx.blocks().get(key(loc, block));
        if (cached != null) {
          return copy(cached, inBlock, dst);
        }
      }
      if (chunk == fallbackChunk && block < fallbackEnd) {
        return copy(randomBlock(chunk, block, fallbackEnd - block, cacheSequential), inBlock,
            dst);
      }
      s = startStream(loc, block);
      if (s == null) {
        return readFallback(loc, block, inBlock, dst);
      }
    }
    ByteBuf data;
    try {
      data = s.block(block);
    } catch (BlockFetcher.ChecksumMismatch e) {
      corrupt.computeIfAbsent(chunk, k -> new HashSet<>()).add(s.replica().id());
      fetcher.reportCorrupt("chunk " + chunk + " of " + path, loc, s.replica(), e);
      return readFallback(loc, block, inBlock, dst);
    } catch (Exception e) {
      Throwable t = Errors.unwrap(e);
      if (Errors.statusOf(t) == Status.INTEGRITY) {
        corrupt.computeIfAbsent(chunk, k -> new HashSet<>()).add(s.replica().id());
      }
      failed.computeIfAbsent(chunk, k -> new HashSet<>()).add(s.replica().id());
      log.debug("{}: streaming chunk {} of {} from {} failed: {}; failing over", ctx.clientId(),
          chunk, path, s.replica(), Errors.describe(t));
      return readFallback(loc, block, inBlock, dst);
    }
    if (cacheSequential && !ctx.blocks().contains(key(loc, block))) {
      // The cache holds heap arrays: this one copy is the price of a later hit.
      byte[] b = new byte[data.readableBytes()];
      data.getBytes(data.readerIndex(), b);
      ctx.blocks().put(key(loc, block), b);
      return copy(b, inBlock, dst);
    }
    return copy(data, inBlock, dst);
  }

  /**
   * Drops the streams of the chunk and reads {@code block} and the rest of its window with
   * {@link BlockFetcher} (failover between replicas); streaming resumes after that window.
   */
  private int readFallback(ChunkLocation loc, int block, int inBlock, ByteBuffer dst)
      throws GranaryException {
    streams.setCurrent(null);
    fallbackChunk = loc.index();
    fallbackEnd = Math.min(Checksums.blockCount(loc.length()), block + WINDOW_BLOCKS);
    return copy(randomBlock(loc.index(), block, fallbackEnd - block, cacheSequential), inBlock,
        dst);
  }

  /**
   * Makes the stream of chunk {@code loc} from {@code block} current (the one asked for in advance
   * if it starts there, else a new one) and asks for the next chunk in advance. Null if no replica
   * could be streamed from.
   */
  private ChunkStream startStream(ChunkLocation loc, int block) throws GranaryException {
    ChunkStream ahead = streams.ahead();
    ChunkStream s = ahead != null && ahead.serves(loc.index(), block) ? ahead : open(loc, block);
    streams.setCurrent(s);
    if (s != null && loc.index() + 1 < entry.chunkCount()) {
      ChunkLocation next = location(loc.index() + 1);
      ChunkStream asked = streams.ahead();
      boolean have = asked != null && asked.serves(next.index(), 0);
      if (!have && !(cacheSequential && ctx.blocks().contains(key(next, 0)))) {
        streams.setAhead(open(next, 0));
      }
    }
    return s;
  }

  /** A stream of chunk {@code loc} from {@code block}, of the least-loaded replica not failed. */
  private ChunkStream open(ChunkLocation loc, int block) {
    List<NodeAddress> candidates = new ArrayList<>(loc.replicas());
    Set<String> bad = corrupt.getOrDefault(loc.index(), Set.of());
    Set<String> down = failed.getOrDefault(loc.index(), Set.of());
    candidates.removeIf(n -> bad.contains(n.id()) || down.contains(n.id()));
    while (!candidates.isEmpty()) {
      NodeAddress replica = ctx.load().pick(candidates);
      candidates.remove(replica);
      try {
        return ChunkStream.open(ctx, loc, block, replica);
      } catch (Exception e) {
        failed.computeIfAbsent(loc.index(), k -> new HashSet<>()).add(replica.id());
        log.debug("{}: cannot stream chunk {} of {} from {}: {}", ctx.clientId(), loc.index(),
            path, replica, Errors.describe(Errors.unwrap(e)));
      }
    }
    return null;
  }

  private static BlockCache.Key key(ChunkLocation loc, int block) {
    return new BlockCache.Key(loc.handle(), loc.version(), block);
  }

  // ---------------------------------------------------------------- random

  /**
   * Block {@code block} of chunk {@code chunk}, from the last span, the block cache, or a fetch of
   * up to {@code wanted} blocks from it (added to the block cache if {@code cache}).
   */
  private byte[] randomBlock(int chunk, int block, int wanted, boolean cache)
      throws GranaryException {
    if (spanChunk == chunk && block >= spanFirst && block < spanFirst + spanBlocks.length) {
      return spanBlocks[block - spanFirst];
    }
    ChunkLocation loc = location(chunk);
    byte[] cached = ctx.blocks().get(key(loc, block));
    if (cached != null) {
      return cached;
    }
    int inChunk = Checksums.blockCount(loc.length());
    int count = Math.max(1, Math.min(Math.min(wanted, WINDOW_BLOCKS), inChunk - block));
    spanBlocks = fetcher.fetch(path, loc, block, count, this::refresh,
        corrupt.getOrDefault(chunk, Set.of()), cache);
    spanChunk = chunk;
    spanFirst = block;
    return spanBlocks[0];
  }

  /** Ends the streams; one not read to its end closes its connection. */
  public void close() {
    cleanable.clean();
    spanBlocks = null;
    spanChunk = -1;
  }
}
