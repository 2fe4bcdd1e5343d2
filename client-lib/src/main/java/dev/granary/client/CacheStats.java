package dev.granary.client;

/**
 * Counters of the client's caches since it was opened.
 *
 * @param hits block reads served from the block cache
 * @param misses block reads that went to a chunkserver
 * @param evictions blocks evicted from the block cache
 * @param bytesCached bytes currently held by the block cache
 * @param locationHits chunk-location lookups served from the location cache
 * @param locationMisses chunk-location lookups that asked the master
 */
public record CacheStats(long hits, long misses, long evictions, long bytesCached,
    long locationHits, long locationMisses) {

  /** Fraction of block reads served from the cache, 0 when there were none. */
  public double hitRate() {
    long total = hits + misses;
    return total == 0 ? 0 : (double) hits / total;
  }
}
