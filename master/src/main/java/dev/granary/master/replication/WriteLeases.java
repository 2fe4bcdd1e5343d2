package dev.granary.master.replication;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Write leases (GFS §3.1; HDFS's lease manager): which client is writing which uncommitted chunk,
 * and whether that client is still alive. A client's lease is renewed by everything it sends about
 * its writes (allocations, commits, renewals) and lasts {@code timeoutMillis} from the last of
 * them; its pending handles are protected from garbage collection exactly while it is live.
 *
 * <p>Design: the lease is per client, not per chunk, so a client writing many files renews once for
 * all of them, and a pending handle costs one map entry. When a lease runs out, whether noticed by
 * the periodic {@link #expire} or by the client's next contact, all its handles are released at
 * once: an upload either keeps every chunk it wrote or loses them all, never a silent subset.
 * Nothing here is persisted; a restarted master re-learns pending handles from renewals, which list
 * them (see {@link GarbageTracker#renew}).
 *
 * <p>Times are milliseconds on the master's monotonic ticker. Guarded by the metadata lock.
 */
final class WriteLeases {
  private final long timeoutMillis;
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<Long, Lease> byHandle = new HashMap<>();

  /** A client's lease: when it was last renewed and the handles it holds. */
  private static final class Lease {
    final String clientId;
    final Set<Long> handles = new HashSet<>();
    long renewed;

    Lease(String clientId, long renewed) {
      this.clientId = clientId;
      this.renewed = renewed;
    }
  }

  WriteLeases(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  long timeoutMillis() {
    return timeoutMillis;
  }

  /**
   * Renews {@code clientId}'s lease at {@code now}. A lease that had already run out is first
   * released (its handles go to {@code released}, with the client id), then started afresh: a
   * client that was silent too long cannot revive the chunks it lost.
   */
  void renew(String clientId, long now, BiConsumer<String, Set<Long>> released) {
    Lease l = leases.get(clientId);
    if (l != null && now - l.renewed >= timeoutMillis) {
      release(l, released);
      l = null;
    }
    if (l == null) {
      l = new Lease(clientId, now);
      leases.put(clientId, l);
    }
    l.renewed = now;
  }

  /** Puts {@code handle} under {@code clientId}'s lease (renew it first). */
  void hold(String clientId, long handle) {
    Lease l = leases.get(clientId);
    Lease old = byHandle.put(handle, l);
    if (old != null && old != l) {
      old.handles.remove(handle);
    }
    l.handles.add(handle);
  }

  /** The client holding {@code handle} under a lease, live or not yet noticed to have run out. */
  String holder(long handle) {
    Lease l = byHandle.get(handle);
    return l == null ? null : l.clientId;
  }

  /** Whether {@code handle} is held under a lease that has not run out at {@code now}. */
  boolean isLive(long handle, long now) {
    Lease l = byHandle.get(handle);
    return l != null && now - l.renewed < timeoutMillis;
  }

  /** Stops tracking {@code handle} (committed, or garbage). */
  void remove(long handle) {
    Lease l = byHandle.remove(handle);
    if (l != null) {
      l.handles.remove(handle);
    }
  }

  int pendingCount() {
    return byHandle.size();
  }

  /** Every handle held under a lease now (a copy). */
  Set<Long> pendingHandles() {
    return new HashSet<>(byHandle.keySet());
  }

  /** Ends every lease that has run out at {@code now}, handing its handles to {@code released}. */
  void expire(long now, BiConsumer<String, Set<Long>> released) {
    for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
      Lease l = it.next();
      if (now - l.renewed >= timeoutMillis) {
        it.remove();
        release(l, released);
      }
    }
  }

  private void release(Lease l, BiConsumer<String, Set<Long>> released) {
    for (long h : l.handles) {
      byHandle.remove(h);
    }
    if (!l.handles.isEmpty()) {
      released.accept(l.clientId, Set.copyOf(l.handles));
    }
    l.handles.clear();
  }
}
