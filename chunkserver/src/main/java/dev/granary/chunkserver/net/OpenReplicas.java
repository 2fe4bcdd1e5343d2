package dev.granary.chunkserver.net;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.storage.CorruptReplicaException;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.chunkserver.storage.ReplicaStore.OpenReplica;
import dev.granary.chunkserver.storage.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas recently opened for reading, kept open (data file channel, summary and block CRCs) so
 * that the next read of the same replica starts on the event loop with no disk I/O and no hand-off
 * to the I/O pool and back. For small files that hand-off, two thread wake-ups, was most of a
 * read's time on the chunkserver.
 *
 * <p>An entry is served only while it is still the store's current replica of its handle (the very
 * {@code ReplicaMeta} object the store holds): a replica deleted, quarantined or replaced since it
 * was opened is never served from here; the entry is dropped on sight. Entries idle for
 * {@link #IDLE} are closed by {@link #sweep}, and at most {@code capacity} are kept (least recently
 * used first out), so a deleted replica's file is closed (and its space freed) within seconds.
 * Each entry is reference-counted: a read in progress keeps its file open after eviction.
 *
 * <p>Thread-safe; {@link #acquire} does no I/O. {@link #open} reads the replica's meta file (call
 * it off the event loop); closing a file happens on whichever thread drops its last reference.
 */
public final class OpenReplicas implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenReplicas.class);
  /** Entries not used for this long are closed by the next sweep. */
  static final Duration IDLE = Duration.ofSeconds(2);
  public static final int DEFAULT_CAPACITY = 256;

  /** A read's hold on an open replica; release it exactly once. */
  static final class Lease {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    OpenReplica replica() {
      return entry.replica;
    }

    void release() {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      entry.unref();
    }
  }

  private static final class Entry {
    final OpenReplica replica;
    private int refs;
    long lastUsedNanos;

    Entry(OpenReplica replica, int refs, long now) {
      this.replica = replica;
      this.refs = refs;
      this.lastUsedNanos = now;
    }

    synchronized void ref() {
      refs++;
    }

    void unref() {
      boolean close;
      synchronized (this) {
        close = --refs == 0;
      }
      if (close) {
        try {
          replica.close();
        } catch (IOException e) {
          // A read-only channel: nothing was lost.
        }
      }
    }
  }

  private final ReplicaStore store;
  private final int capacity;
  private final Ticker ticker;
  // Guarded by this; access order, so iteration starts at the least recently used.
  private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private boolean closed;

  public OpenReplicas(ReplicaStore store, int capacity, Ticker ticker) {
    this.store = store;
    this.capacity = capacity;
    this.ticker = ticker;
  }

  /**
   * A lease on the open replica of {@code handle} if one is kept and is still the store's current
   * replica; null otherwise (then call {@link #open}). No I/O.
   */
  Lease acquire(long handle) {
    Entry stale = null;
    try {
      synchronized (this) {
        Entry e = entries.get(handle);
        if (e == null) {
          return null;
        }
        if (store.get(handle) != e.replica.meta()) {
          entries.remove(handle);
          stale = e;
          return null;
        }
        e.ref();
        e.lastUsedNanos = ticker.read();
        return new Lease(e);
      }
    } finally {
      if (stale != null) {
        stale.unref();
      }
    }
  }

  /**
   * Opens the replica of {@code handle} from the store (blocking I/O) and keeps it for later reads.
   *
   * @throws StoreException if there is no such replica or it cannot be opened
   * @throws CorruptReplicaException if its meta file or data file is inconsistent
   */
  Lease open(long handle) throws StoreException, CorruptReplicaException {
    return keep(handle, store.open(handle));
  }

  /**
   * {@link #open} if the store knows the replica's checksums without its meta file
   * ({@link ReplicaStore#openFromMemory}): no disk I/O beyond one {@code open(2)} and at most one
   * block's read, so a read can start on the event loop. Null otherwise.
   */
  Lease openFromMemory(long handle) {
    OpenReplica r = store.openFromMemory(handle);
    return r == null ? null : keep(handle, r);
  }

  private Lease keep(long handle, OpenReplica r) {
    List<Entry> dropped = new ArrayList<>(1);
    Entry e;
    synchronized (this) {
      if (closed || capacity <= 0) {
        e = new Entry(r, 1, ticker.read()); // the lease's reference only
      } else {
        e = new Entry(r, 2, ticker.read()); // the cache's and the lease's
        Entry old = entries.put(handle, e);
        if (old != null) {
          dropped.add(old);
        }
        Iterator<Entry> it = entries.values().iterator();
        while (entries.size() > capacity && it.hasNext()) {
          dropped.add(it.next());
          it.remove();
        }
      }
    }
    dropped.forEach(Entry::unref);
    return new Lease(e);
  }

  /** Closes entries idle for {@link #IDLE} or no longer the store's current replica. */
  public void sweep() {
    long now = ticker.read();
    List<Entry> dropped = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Long, Entry> m = it.next();
        Entry e = m.getValue();
        if (now - e.lastUsedNanos >= IDLE.toNanos()
            || store.get(m.getKey()) != e.replica.meta()) {
          dropped.add(e);
          it.remove();
        }
      }
    }
    dropped.forEach(Entry::unref);
  }

  /** Entries kept now (for tests and metrics). */
  public synchronized int size() {
    return entries.size();
  }

  /** Drops every entry; files close as their reads finish. Later opens are not kept. */
  @Override
  public void close() {
    List<Entry> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(entries.values());
      entries.clear();
    }
    dropped.forEach(Entry::unref);
  }
}
