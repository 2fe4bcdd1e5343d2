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
 * Random and sequential reads of one file as it was when opened (its entry and chunk handles are
 * fixed at open; a replacement of the file is detected, never mixed in).
 *
 * <p>Sequential reads stream: data is asked for in windows of up to {@link #WINDOW_BLOCKS} blocks
 * of one chunk, and {@link #READ_AHEAD} windows beyond the one being read are kept in flight (across
 * chunk boundaries, each on the least-loaded replica), sent straight from the reader's thread
 * without waiting, so the connections stay busy while the reader copies. Each window is verified
 * block by block as it arrives and its buffers are kept as received; a block is copied once, into
 * the caller's buffer. Memory stays bounded at {@code READ_AHEAD + 1} windows per reader. A window
 * that fails (checksum mismatch, error, lost connection, timeout) is fetched again by
 * {@link BlockFetcher}, which fails over between replicas, minus any found corrupt (reported).
 *
 * <p>Random reads fetch just the blocks they need, on the caller's thread. So do sequential reads of
 * a file of one window (a small file): there is nothing to read ahead. The block cache is consulted
 * before any fetch.
 * Blocks read sequentially are added to it only if the whole file fits in the cache: streaming a
 * larger file through it would only evict everything else for blocks that are themselves evicted
 * before the next pass (a scan). Not thread-safe.
 */
public final class FileReader {
  private static final Logger log = LoggerFactory.getLogger(FileReader.class);

  /** Blocks per read-ahead window: 4 MiB. */
  static final int WINDOW_BLOCKS = 64;
  /** Windows kept in flight beyond the one being read. */
  static final int READ_AHEAD = 4;

  /** One window of a sequential read: its async fetch, or the blocks a fallback fetched. */
  private static final class Window {
    final ChunkLocation loc;
    final int first;
    final int count;
    WindowFetch fetch;
    byte[][] fetched;
    boolean ready;
    /** Blocks already added to the block cache. */
    final boolean[] cached;

    Window(ChunkLocation loc, int first, int count, WindowFetch fetch) {
      this.loc = loc;
      this.first = first;
      this.count = count;
      this.fetch = fetch;
      this.cached = new boolean[count];
    }

    boolean covers(int chunk, int block) {
      return loc.index() == chunk && block >= first && block < first + count;
    }

    void release() {
      if (fetch != null) {
        fetch.release();
      }
      fetched = null;
    }
  }

  /**
   * The windows of the sequential read, in file order. Used by the reader's thread, and by the
   * cleaner's once the reader is unreachable, hence synchronized.
   */
  private static final class Windows {
    private final List<Window> list = new ArrayList<>();

    synchronized void add(Window w) {
      list.add(w);
    }

    synchronized Window at(int chunk, int block) {
      for (Window w : list) {
        if (w.covers(chunk, block)) {
          return w;
        }
      }
      return null;
    }

    /** Releases every window but those in {@code keep} and {@code current}. */
    synchronized void retain(List<Window> keep, Window current) {
      for (int i = list.size() - 1; i >= 0; i--) {
        Window w = list.get(i);
        if (w != current && !keep.contains(w)) {
          w.release();
          list.remove(i);
        }
      }
    }

    synchronized void releaseAll() {
      for (Window w : list) {
        w.release();
      }
      list.clear();
    }
  }

  private final ClientContext ctx;
  private final BlockFetcher fetcher;
  private final String path;
  private final FileEntry entry;
  private final boolean cacheSequential;
  /** The file is one window: sequential reads fetch it like a random read, with no read-ahead. */
  private final boolean oneWindow;
  private final Map<Integer, ChunkLocation> chunks = new ConcurrentHashMap<>();
  /** Windows of the sequential read, the one being read first. */
  private final Windows windows = new Windows();
  /** Frees the windows if the reader is dropped without being closed (they hold pooled memory). */
  private final Cleaner.Cleanable cleanable;
  /** Replicas found corrupt by this reader, per chunk index (never asked again). */
  private final Map<Integer, Set<String>> corrupt = new HashMap<>();
  /** Where the last read-ahead was planned from (chunk, block); -1 when not yet. */
  private int aheadChunk = -1;
  private int aheadEnd = -1;
  private Window aheadCurrent;
  /** The last random-read span: chunk, first block and blocks. */
  private int spanChunk = -1;
  private int spanFirst;
  private byte[][] spanBlocks;

  /**
   * @param cleaner frees the windows of a reader that is dropped without {@link #close()}
   */
  public FileReader(ClientContext ctx, BlockFetcher fetcher, String path, LookupResponse first,
      Cleaner cleaner) {
    this.ctx = ctx;
    this.fetcher = fetcher;
    this.path = path;
    this.entry = first.file();
    this.cacheSequential = ctx.blocks().enabled() && entry.size() <= ctx.blocks().capacity();
    this.oneWindow = entry.chunkCount() == 1
        && Checksums.blockCount(entry.size()) <= WINDOW_BLOCKS;
    absorb(first);
    this.cleanable = cleaner.register(this, windows::releaseAll);
  }

  public FileEntry entry() {
    return entry;
  }

  public long size() {
    return entry.size();
  }

  private void absorb(LookupResponse r) {
    for (ChunkLocation c : r.chunks()) {
      chunks.putIfAbsent(c.index(), c);
    }
  }

  private ChunkLocation location(int index) throws GranaryException {
    ChunkLocation c = chunks.get(index);
    if (c != null) {
      return c;
    }
    LookupResponse r = ctx.locations().lookup(path, index, false);
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
    LookupResponse r = ctx.locations().lookup(path, index, true);
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
    if (position >= entry.size()) {
      return -1;
    }
    int total = 0;
    long pos = position;
    while (dst.hasRemaining() && pos < entry.size()) {
      int chunk = (int) (pos / entry.chunkSize());
      long inChunk = pos % entry.chunkSize();
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
      pos += n;
      total += n;
    }
    return total;
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
    Window w = windowAt(chunk, block);
    if (w == null) {
      if (cacheSequential) {
        byte[] cached = ctx.blocks().get(key(loc, block));
        if (cached != null) {
          readAhead(loc, alignedEnd(loc, block), null);
          return copy(cached, inBlock, dst);
        }
      }
      w = startWindow(loc, block, alignedEnd(loc, block) - block);
      windows.add(w);
    }
    readAhead(w.loc, w.first + w.count, w);
    ensureReady(w);
    int i = block - w.first;
    if (w.fetched != null) {
      byte[] data = w.fetched[i];
      if (cacheSequential && !w.cached[i]) {
        w.cached[i] = true;
        ctx.blocks().put(key(w.loc, block), data);
      }
      return copy(data, inBlock, dst);
    }
    ByteBuf data = w.fetch.block(block);
    if (cacheSequential && !w.cached[i]) {
      // The cache holds heap arrays: this one copy is the price of a later hit.
      byte[] b = new byte[data.readableBytes()];
      data.getBytes(data.readerIndex(), b);
      w.cached[i] = true;
      ctx.blocks().put(key(w.loc, block), b);
      return copy(b, inBlock, dst);
    }
    return copy(data, inBlock, dst);
  }

  private static BlockCache.Key key(ChunkLocation loc, int block) {
    return new BlockCache.Key(loc.handle(), loc.version(), block);
  }

  /** The end (exclusive) of the aligned window holding {@code block}, within its chunk. */
  private static int alignedEnd(ChunkLocation loc, int block) {
    return Math.min(Checksums.blockCount(loc.length()), (block / WINDOW_BLOCKS + 1) * WINDOW_BLOCKS);
  }

  private Window windowAt(int chunk, int block) {
    return windows.at(chunk, block);
  }

  /** Sends the request for a window to the least-loaded replica not known corrupt. */
  private Window startWindow(ChunkLocation loc, int first, int count) {
    List<NodeAddress> candidates = new ArrayList<>(loc.replicas());
    Set<String> bad = corrupt.get(loc.index());
    if (bad != null) {
      candidates.removeIf(n -> bad.contains(n.id()));
    }
    NodeAddress replica = ctx.load().pick(candidates);
    // No candidate left: the fallback fetch refreshes the locations (and fails over).
    WindowFetch fetch = replica == null ? null
        : WindowFetch.start(ctx, loc, first, count, replica);
    return new Window(loc, first, count, fetch);
  }

  /**
   * Keeps the {@link #READ_AHEAD} windows that follow block {@code end} of chunk {@code loc} in
   * flight (unless their first block is cached), and releases every other window but
   * {@code current} (being read; null when the block came from the cache).
   */
  private void readAhead(ChunkLocation loc, int end, Window current) throws GranaryException {
    if (loc.index() == aheadChunk && end == aheadEnd && current == aheadCurrent) {
      // Same window as the previous block: nothing to start or drop (keeps cache hits cheap).
      return;
    }
    List<Window> keep = new ArrayList<>(READ_AHEAD + 1);
    ChunkLocation l = loc;
    int b = end;
    for (int i = 0; i < READ_AHEAD; i++) {
      while (b >= Checksums.blockCount(l.length())) {
        if (l.index() + 1 >= entry.chunkCount()) {
          l = null;
          break;
        }
        l = location(l.index() + 1);
        b = 0;
      }
      if (l == null) {
        break;
      }
      int next = alignedEnd(l, b);
      Window w = windowAt(l.index(), b);
      if (w == null && !(cacheSequential && ctx.blocks().contains(key(l, b)))) {
        w = startWindow(l, b, next - b);
        windows.add(w);
      }
      if (w != null) {
        keep.add(w);
      }
      b = next;
    }
    windows.retain(keep, current);
    aheadChunk = loc.index();
    aheadEnd = end;
    aheadCurrent = current;
  }

  /** Waits for a window; if its request failed, fetches it again with replica failover. */
  private void ensureReady(Window w) throws GranaryException {
    if (w.ready) {
      return;
    }
    String what = "chunk " + w.loc.index() + " of " + path;
    if (w.fetch != null) {
      NodeAddress replica = w.fetch.replica();
      try {
        w.fetch.await(ctx.retry().timeout().toMillis());
        w.ready = true;
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException(path + ": interrupted", e);
      } catch (BlockFetcher.ChecksumMismatch e) {
        corrupt.computeIfAbsent(w.loc.index(), k -> new HashSet<>()).add(replica.id());
        fetcher.reportCorrupt(what, w.loc, replica, e);
      } catch (Exception e) {
        Throwable t = Errors.unwrap(e);
        if (Errors.statusOf(t) == Status.INTEGRITY) {
          corrupt.computeIfAbsent(w.loc.index(), k -> new HashSet<>()).add(replica.id());
        }
        log.debug("{}: reading {} from {} failed: {}; failing over", ctx.clientId(), what,
            replica, Errors.describe(t));
      }
      w.fetch.release();
      w.fetch = null;
    }
    Set<String> bad = corrupt.getOrDefault(w.loc.index(), Set.of());
    w.fetched = fetcher.fetch(path, w.loc, w.first, w.count, this::refresh, Set.copyOf(bad),
        false);
    w.ready = true;
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

  /** Releases the windows held; requests in flight are abandoned (late packets are dropped). */
  public void close() {
    cleanable.clean();
    aheadChunk = -1;
    aheadEnd = -1;
    aheadCurrent = null;
    spanBlocks = null;
    spanChunk = -1;
  }
}
