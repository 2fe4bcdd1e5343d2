package dev.granary.master.namespace;

import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.StatResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers of recent mutations by (client id, operation id), as HDFS's retry cache: a retried
 * mutation gets the original answer instead of being executed again ("already exists" caused by
 * its own first attempt). Entries live in the operation log with their operation, so the cache is
 * rebuilt on replay and survives restarts (and are written into checkpoints).
 *
 * <p>Bounded three ways, the oldest entry evicted first: by age in log time, by count, and by the
 * bytes the entries keep on the heap ({@link #estimateBytes}). A count alone does not bound memory:
 * an entry holds a client id of up to 8 KiB and an answer quoting a path of up to 4 KiB, so
 * 100,000 of them could hold over a GiB. Eviction is a function of the operations alone (their order, log times and answers), so a replay
 * rebuilds exactly the cache the live master had. Not thread-safe.
 */
public final class RetryCache {
  /** Default age bound in log time. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  /** Default count bound. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  /**
   * Default byte bound, 64 MiB. A typical entry (a client id and a path of a few dozen characters)
   * is estimated at ~450 bytes, so 100,000 of them (the count bound) take ~45 MiB and the count and
   * age bounds decide as before. Entries quoting 4 KiB paths (~8.5 KiB estimated each; ~25 KiB
   * with an 8 KiB client id) are held to ~2,700-7,900: still thousands of mutations more than a
   * client has in flight within its timeout (30 s by default), while a peer sending such
   * mutations can no longer make the cache hold more than this.
   */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  /**
   * One remembered answer; {@code durable} completes when its log record is on disk; {@code bytes}
   * is its estimated size.
   */
  public record Entry(Message reply, long time, CompletableFuture<Void> durable, int bytes) {}

  private record Key(String clientId, long opId) {}

  private final long ttlMillis;
  private final int maxEntries;
  private final long maxBytes;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();
  private long bytes;

  public RetryCache() {
    this(DEFAULT_TTL, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);
  }

  public RetryCache(Duration ttl, int maxEntries, long maxBytes) {
    this.ttlMillis = ttl.toMillis();
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** The remembered answer, or null. Operations without a client id are never cached. */
  public Entry get(String clientId, long opId) {
    if (clientId == null || clientId.isEmpty()) {
      return null;
    }
    return entries.get(new Key(clientId, opId));
  }

  /** Remembers an answer given at log time {@code time}; evicts entries past the bounds. */
  public void put(String clientId, long opId, Message reply, long time,
      CompletableFuture<Void> durable) {
    if (clientId == null || clientId.isEmpty()) {
      return;
    }
    Entry added = new Entry(reply, time, durable, estimateBytes(clientId, reply));
    Entry replaced = entries.put(new Key(clientId, opId), added);
    bytes += added.bytes() - (replaced == null ? 0 : replaced.bytes());
    Iterator<Entry> it = entries.values().iterator();
    // The newest answer always stays, whatever its size: the retry of the mutation just made is
    // the one most likely to come.
    while (entries.size() > 1) {
      Entry oldest = it.next();
      if (entries.size() > maxEntries || bytes > maxBytes || oldest.time() < time - ttlMillis) {
        it.remove();
        bytes -= oldest.bytes();
      } else {
        break;
      }
    }
  }

  /** Attaches the durability future to an entry added before the record was queued. */
  public void attach(String clientId, long opId, CompletableFuture<Void> durable) {
    if (clientId == null || clientId.isEmpty()) {
      return;
    }
    Key k = new Key(clientId, opId);
    Entry e = entries.get(k);
    if (e != null) {
      entries.put(k, new Entry(e.reply(), e.time(), durable, e.bytes()));
    }
  }

  public int size() {
    return entries.size();
  }

  /** The estimated heap bytes of all entries. */
  public long bytes() {
    return bytes;
  }

  /**
   * What an entry keeps on the heap, estimated on the generous side: the map entry, key and entry
   * objects, and two bytes per character of every string the answer holds.
   */
  static int estimateBytes(String clientId, Message reply) {
    long n = 160 + 2L * clientId.length();
    if (reply instanceof CommitFileResponse c) {
      n += 16 + entryBytes(c.file()) + (c.spare() == null ? 0 : 2L * c.spare().toString().length());
    } else if (reply instanceof StatResponse s) {
      n += 16 + entryBytes(s.entry());
    } else if (reply instanceof ErrorReply e) {
      n += 96 + 2L * (e.message().length() + e.detail().length());
    } else if (reply != null) {
      // Another answer: its text form names every field, a fair upper estimate of the fields.
      n += 2L * reply.toString().length();
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static long entryBytes(FileEntry e) {
    return 112 + 2L * e.path().length();
  }

  /** Visits entries oldest first (for checkpoints): client id, op id, entry. */
  public void forEach(TriConsumer visitor) {
    for (Map.Entry<Key, Entry> e : entries.entrySet()) {
      visitor.accept(e.getKey().clientId(), e.getKey().opId(), e.getValue());
    }
  }

  /** Three-argument visitor. */
  @FunctionalInterface
  public interface TriConsumer {
    void accept(String clientId, long opId, Entry entry);
  }

}
