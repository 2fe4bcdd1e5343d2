package dev.granary.client.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.granary.client.GranaryException;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Chunk locations fetched from the master, a batch of up to {@link Limits#MAX_LOOKUP_CHUNKS} chunks
 * at a time, kept for a short while (GFS §2.4: clients cache chunk locations for a limited time and
 * so rarely ask the master twice for the same file). Entries are dropped when a replica from them
 * fails, and when this client changes the file, so a stale entry lives at most {@code ttl}. Batches
 * whose locations were incomplete (master still collecting reports) are never cached.
 */
public final class LocationCache {
  private record Key(String path, int firstChunk) {}

  private final MasterClient master;
  private final Cache<Key, LookupResponse> cache;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public LocationCache(MasterClient master, Duration ttl, long maxEntries) {
    this.master = master;
    this.cache = Caffeine.newBuilder()
        .expireAfterWrite(ttl)
        .maximumSize(maxEntries)
        .executor(Runnable::run)
        .build();
  }

  /**
   * The entry of {@code path} and the locations of its chunks from {@code firstChunk} (a batch).
   *
   * @param fresh bypass the cache (the answer is still cached for later)
   */
  public LookupResponse lookup(String path, int firstChunk, boolean fresh)
      throws GranaryException {
    Key key = new Key(path, firstChunk);
    if (!fresh) {
      LookupResponse r = cache.getIfPresent(key);
      if (r != null) {
        hits.increment();
        return r;
      }
    }
    misses.increment();
    LookupResponse r = master.call(new LookupRequest(path, firstChunk, Limits.MAX_LOOKUP_CHUNKS),
        LookupResponse.class, path);
    if (r.locationsComplete()) {
      cache.put(key, r);
    } else {
      cache.invalidate(key);
    }
    return r;
  }

  /** Forgets every batch of {@code path}. */
  public void invalidate(String path) {
    cache.asMap().keySet().removeIf(k -> k.path().equals(path));
  }

  /** Forgets everything (after a delete or rename, which may move whole trees). */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }
}
