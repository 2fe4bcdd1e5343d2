package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.InternalException;
import dev.granary.client.UnavailableException;
import dev.granary.wire.Checksums;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.LookupResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Random and sequential reads of one file as it was when opened (its entry and chunk handles are
 * fixed at open; a replacement of the file is detected, never mixed in).
 *
 * <p>Data is fetched in windows of up to {@link #WINDOW_BLOCKS} blocks of one chunk. Sequential
 * reads fetch whole windows and keep {@link #READ_AHEAD} more in flight ahead of the reader, so the
 * next chunk is on its way while the current one is consumed; memory stays bounded at
 * {@code (READ_AHEAD + 2)} windows per reader. Random reads fetch just the blocks they need. Every
 * block passes through the block cache, which is consulted before any fetch. Not thread-safe (the
 * chunk-location map alone is shared with fetches running ahead).
 */
public final class FileReader {
  /** Blocks per fetch window: 4 MiB. */
  static final int WINDOW_BLOCKS = 64;
  /** Windows fetched ahead of a sequential reader. */
  static final int READ_AHEAD = 2;

  private record WindowKey(int chunk, int window) {}

  private final ClientContext ctx;
  private final BlockFetcher fetcher;
  private final String path;
  private final FileEntry entry;
  private final Map<Integer, ChunkLocation> chunks = new ConcurrentHashMap<>();
  private final LinkedHashMap<WindowKey, CompletableFuture<byte[][]>> windows =
      new LinkedHashMap<>();
  /** The last random-read span: chunk, first block and blocks. */
  private int spanChunk = -1;
  private int spanFirst;
  private byte[][] spanBlocks;

  public FileReader(ClientContext ctx, BlockFetcher fetcher, String path, LookupResponse first) {
    this.ctx = ctx;
    this.fetcher = fetcher;
    this.path = path;
    this.entry = first.file();
    absorb(first);
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
      int wanted = Checksums.blockCount(inBlock + (long) dst.remaining());
      byte[] data = block(chunk, block, wanted, sequential);
      int n = Math.min(dst.remaining(), data.length - inBlock);
      if (n <= 0) {
        throw new InternalException(path + ": chunk " + chunk + " is shorter than the file says");
      }
      dst.put(data, inBlock, n);
      pos += n;
      total += n;
    }
    return total;
  }

  private byte[] block(int chunk, int block, int wanted, boolean sequential)
      throws GranaryException {
    if (spanChunk == chunk && block >= spanFirst && block < spanFirst + spanBlocks.length) {
      return spanBlocks[block - spanFirst];
    }
    WindowKey wk = new WindowKey(chunk, block / WINDOW_BLOCKS);
    CompletableFuture<byte[][]> window = windows.get(wk);
    if (window != null) {
      if (sequential) {
        readAhead(wk);
      }
      return await(wk, window)[block - wk.window() * WINDOW_BLOCKS];
    }
    ChunkLocation loc = location(chunk);
    byte[] cached = ctx.blocks().get(new BlockCache.Key(loc.handle(), loc.version(), block));
    if (cached != null) {
      if (sequential) {
        readAhead(wk);
      }
      return cached;
    }
    int inChunk = Checksums.blockCount(loc.length());
    if (sequential) {
      window = startWindow(wk, loc);
      readAhead(wk);
      return await(wk, window)[block - wk.window() * WINDOW_BLOCKS];
    }
    int count = Math.max(1, Math.min(Math.min(wanted, WINDOW_BLOCKS), inChunk - block));
    spanBlocks = fetcher.fetch(path, loc, block, count, this::refresh);
    spanChunk = chunk;
    spanFirst = block;
    return spanBlocks[0];
  }

  private CompletableFuture<byte[][]> startWindow(WindowKey wk, ChunkLocation loc) {
    int first = wk.window() * WINDOW_BLOCKS;
    int count = Math.min(WINDOW_BLOCKS, Checksums.blockCount(loc.length()) - first);
    CompletableFuture<byte[][]> f = CompletableFuture.supplyAsync(() -> {
      try {
        return fetcher.fetch(path, loc, first, count, this::refresh);
      } catch (GranaryException e) {
        throw new CompletionException(e);
      }
    }, ctx.workers());
    windows.put(wk, f);
    // Bound memory: forget the oldest windows (a running fetch just finishes unobserved).
    Iterator<WindowKey> it = windows.keySet().iterator();
    while (windows.size() > READ_AHEAD + 2 && it.hasNext()) {
      WindowKey k = it.next();
      if (!k.equals(wk)) {
        it.remove();
      }
    }
    return f;
  }

  /** Starts the windows after {@code wk}, across chunk boundaries, unless already cached. */
  private void readAhead(WindowKey wk) throws GranaryException {
    WindowKey k = wk;
    for (int i = 0; i < READ_AHEAD; i++) {
      k = next(k);
      if (k == null) {
        return;
      }
      if (windows.containsKey(k)) {
        continue;
      }
      ChunkLocation loc = location(k.chunk());
      if (ctx.blocks().contains(new BlockCache.Key(loc.handle(), loc.version(),
          k.window() * WINDOW_BLOCKS))) {
        continue;
      }
      startWindow(k, loc);
    }
  }

  private WindowKey next(WindowKey k) throws GranaryException {
    ChunkLocation loc = location(k.chunk());
    if ((k.window() + 1) * WINDOW_BLOCKS < Checksums.blockCount(loc.length())) {
      return new WindowKey(k.chunk(), k.window() + 1);
    }
    return k.chunk() + 1 < entry.chunkCount() ? new WindowKey(k.chunk() + 1, 0) : null;
  }

  private byte[][] await(WindowKey wk, CompletableFuture<byte[][]> f) throws GranaryException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(path + ": interrupted", e);
    } catch (ExecutionException e) {
      windows.remove(wk);
      throw Errors.map(e, path);
    }
  }

  /** Drops buffered windows; fetches in flight finish unobserved. */
  public void close() {
    windows.clear();
    spanBlocks = null;
    spanChunk = -1;
  }
}
