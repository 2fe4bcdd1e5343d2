package dev.granary.master.namespace;

import dev.granary.wire.msg.Message;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Answers of recent mutations by (client id, operation id), as HDFS's retry cache: a retried
 * mutation gets the original answer instead of being executed again ("already exists" caused by
 * its own first attempt). Entries live in the operation log with their operation, so the cache is
 * rebuilt on replay and survives restarts. Bounded by age in log time and by count.
 * Not thread-safe.
 */
public final class RetryCache {
  /** Default age bound in log time. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  /** Default count bound. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  /** One remembered answer; {@code durable} completes when its log record is on disk. */
  public record Entry(Message reply, long time, CompletableFuture<Void> durable) {}

  private record Key(String clientId, long opId) {}

  private final long ttlMillis;
  private final int maxEntries;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

  public RetryCache() {
    this(DEFAULT_TTL, DEFAULT_MAX_ENTRIES);
  }

  public RetryCache(Duration ttl, int maxEntries) {
    this.ttlMillis = ttl.toMillis();
    this.maxEntries = maxEntries;
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
    entries.put(new Key(clientId, opId), new Entry(reply, time, durable));
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry oldest = it.next();
      if (entries.size() > maxEntries || oldest.time() < time - ttlMillis) {
        it.remove();
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
      entries.put(k, new Entry(e.reply(), e.time(), durable));
    }
  }

  public int size() {
    return entries.size();
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
