package dev.granary.client.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.LongAdder;

/**
 * Verified 64 KiB blocks of chunks, keyed by (handle, version, block index) and bounded by bytes.
 * Caffeine's W-TinyLFU policy approximates LRU while resisting one-off scans, which suits a mix of
 * repeated small reads and large streaming ones. Handles are never reused and the key carries the
 * version, so a replaced or rewritten file can never be served old bytes from here. Only blocks
 * whose CRC32C verified are inserted. A size of 0 disables the cache (every lookup misses).
 */
final class BlockCache {
  /** Identity of one block. */
  public record Key(long handle, long version, int block) {}

  private final Cache<Key, byte[]> cache;
  private final java.util.concurrent.atomic.AtomicInteger openReaders =
      new java.util.concurrent.atomic.AtomicInteger();
  private final long maxBytes;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public BlockCache(long maxBytes) {
    this.maxBytes = Math.max(0, maxBytes);
    this.cache = maxBytes <= 0 ? null : Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key k, byte[] v) -> Math.max(1, v.length))
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  /** The most bytes the cache holds (0 when disabled). */
  public long capacity() {
    return maxBytes;
  }

  /**
   * Counts a file reader open until the returned action runs (once); returns how many others were
   * open. Readers open at once share the cache: each caches a sequential read only if its file fits
   * in its share, so eight threads each reading a 128 MiB file do not copy every block into a
   * 256 MiB cache that evicts it again before anyone reads it twice.
   */
  public int readerOpened() {
    return openReaders.getAndIncrement();
  }

  public void readerClosed() {
    openReaders.decrementAndGet();
  }

  public boolean enabled() {
    return cache != null;
  }

  /** The cached block, or null; counts a hit or a miss. */
  public byte[] get(Key key) {
    byte[] b = cache == null ? null : cache.getIfPresent(key);
    (b == null ? misses : hits).increment();
    return b;
  }

  /** Whether the block is cached, without counting. */
  public boolean contains(Key key) {
    return cache != null && cache.asMap().containsKey(key);
  }

  /** Caches a block that passed its checksum; the array must not be modified afterwards. */
  public void put(Key key, byte[] verified) {
    if (cache != null) {
      cache.put(key, verified);
    }
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long evictions() {
    return cache == null ? 0 : cache.stats().evictionCount();
  }

  public long bytesCached() {
    if (cache == null) {
      return 0;
    }
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }
}
