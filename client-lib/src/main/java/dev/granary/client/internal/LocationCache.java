package dev.granary.client.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.granary.client.GranaryException;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Chunk locations fetched from the master, a batch of up to {@link Limits#MAX_LOOKUP_CHUNKS} chunks
 * at a time, kept for a short while (GFS §2.4: clients cache chunk locations for a limited time and
 * so rarely ask the master twice for the same file). Entries are dropped when a replica from them
 * fails, and when this client changes the file, so a stale entry lives at most {@code ttl}. Batches
 * whose locations were incomplete (master still collecting reports) are never cached, and a batch
 * is never served once one of its chunk tokens is about to expire.
 */
final class LocationCache {
  /**
   * One batch of a file's locations, when it was fetched, and until when (epoch milliseconds) its
   * chunk tokens stay valid, less {@link #TOKEN_MARGIN_MILLIS}.
   */
  private record Batch(LookupResponse response, long fetchedNanos, long validUntilMillis) {}

  /**
   * A batch's place: the version of the file (0: current contents) and its first chunk. Versions
   * are kept apart so that a reader of one version is never handed another's chunks.
   */
  private record BatchKey(long version, int firstChunk) {}

  /**
   * A batch is not served within this long of its first token's expiry: the token must still be
   * valid when the read reaches a chunkserver (and a little clock skew is absorbed).
   */
  static final long TOKEN_MARGIN_MILLIS = 30_000;

  private final MasterClient master;
  private final long ttlNanos;
  /**
   * By path, that file's batches by version and first chunk (an immutable map, replaced on
   * change). Keyed by
   * path so that forgetting a file is one removal, not a scan of every cached batch: a client that
   * has read thousands of files commits a new one without touching the others.
   */
  private final Cache<String, Map<BatchKey, Batch>> cache;
  /** Bumped by every invalidation: an answer fetched across one is returned but not cached. */
  private final AtomicLong invalidations = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /**
   * @param ttl how long a batch may be served after it was fetched
   * @param maxFiles how many files' locations are kept at most (least recently used out first)
   */
  public LocationCache(MasterClient master, Duration ttl, long maxFiles) {
    this.master = master;
    this.ttlNanos = ttl.toNanos();
    this.cache = Caffeine.newBuilder()
        .expireAfterWrite(ttl)
        .maximumSize(maxFiles)
        .executor(Runnable::run)
        .build();
  }

  /**
   * The entry of {@code path} and the locations of its current chunks from {@code firstChunk} (a
   * batch).
   *
   * @param fresh bypass the cache (the answer is still cached for later)
   */
  public LookupResponse lookup(String path, int firstChunk, boolean fresh)
      throws GranaryException {
    return lookup(path, LookupRequest.CURRENT, firstChunk, fresh);
  }

  /**
   * The entry of version {@code version} of {@code path} (0: the current contents) and the
   * locations of its chunks from {@code firstChunk} (a batch).
   *
   * @param fresh bypass the cache (the answer is still cached for later)
   */
  public LookupResponse lookup(String path, long version, int firstChunk, boolean fresh)
      throws GranaryException {
    BatchKey key = new BatchKey(version, firstChunk);
    if (!fresh) {
      Map<BatchKey, Batch> batches = cache.getIfPresent(path);
      Batch b = batches == null ? null : batches.get(key);
      if (b != null && System.nanoTime() - b.fetchedNanos() < ttlNanos
          && System.currentTimeMillis() < b.validUntilMillis()) {
        hits.increment();
        return b.response();
      }
    }
    misses.increment();
    long fetched = System.nanoTime();
    long generation = invalidations.get();
    LookupResponse r = master.call(new LookupRequest(path, firstChunk, Limits.MAX_LOOKUP_CHUNKS,
        version), LookupResponse.class, version == LookupRequest.CURRENT ? path
        : path + " version " + version);
    if (invalidations.get() != generation) {
      return r; // the file may have changed while we asked: do not keep a possibly older answer
    }
    cache.asMap().compute(path, (p, old) -> {
      Map<BatchKey, Batch> next = old == null ? new HashMap<>() : new HashMap<>(old);
      if (r.locationsComplete()) {
        next.put(key, new Batch(r, fetched, tokensValidUntil(r)));
      } else {
        next.remove(key); // incomplete (master still collecting reports): never cached
      }
      return next.isEmpty() ? null : Map.copyOf(next);
    });
    return r;
  }

  /** When the first token of {@code r} expires, less the margin; forever if it has none. */
  static long tokensValidUntil(LookupResponse r) {
    long until = Long.MAX_VALUE;
    for (ChunkLocation c : r.chunks()) {
      if (!c.token().isNone()) {
        until = Math.min(until, c.token().expiryMillis() - TOKEN_MARGIN_MILLIS);
      }
    }
    return until;
  }

  /** Forgets every batch of {@code path}. */
  public void invalidate(String path) {
    invalidations.incrementAndGet();
    cache.invalidate(path);
  }

  /** Forgets everything (after a delete or rename, which may move whole trees). */
  public void invalidateAll() {
    invalidations.incrementAndGet();
    cache.invalidateAll();
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }
}
