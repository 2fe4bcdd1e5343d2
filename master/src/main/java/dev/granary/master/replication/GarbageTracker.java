package dev.granary.master.replication;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What garbage collection needs to tell garbage from work in progress (GFS §4.4, lazy reclamation
 * by reconciling chunkserver reports against the namespace):
 * <ul>
 *   <li>pending allocations: handles handed to a writer and not yet committed, protected for
 *       {@code pendingTtl} so an in-flight write's replicas are left alone;
 *   <li>recent garbage: handles of deleted or replaced files, deleted on sight when reported;
 *   <li>unknown replicas: reported handles no file references, deleted once they have stayed
 *       unknown for the grace period (abandoned writes, files deleted before a master restart).
 *   <li>inherited allocations: pending allocations live in memory only, so after a restart every
 *       handle an earlier incarnation may have handed out (up to the journaled reservation) could
 *       belong to a write still in flight, whose client will commit it against this master. Such
 *       handles are protected like pending ones for {@code pendingTtl} after start-up, unless
 *       replay showed them to be garbage (files deleted or replaced before the restart).
 * </ul>
 * Guarded by the master's metadata lock.
 */
public final class GarbageTracker {
  private final long pendingTtlMillis;
  private final long graceMillis;
  private final Map<Long, Long> pending = new HashMap<>();
  private final Map<Long, Long> recentGarbage = new HashMap<>();
  /** handle -> (node ordinal -> first seen). */
  private final Map<Long, Map<Integer, Unknown>> unknown = new HashMap<>();
  private long inheritedUpTo;
  private long inheritedUntil;

  /** An unreferenced replica on a node: its version and when it was first reported. */
  public record Unknown(long version, long firstSeen) {}

  public GarbageTracker(long pendingTtlMillis, long graceMillis) {
    this.pendingTtlMillis = pendingTtlMillis;
    this.graceMillis = graceMillis;
  }

  /**
   * After a restart: handles up to {@code upTo} may have been handed out by an earlier incarnation
   * to writes still in flight; protect them until {@code now + pendingTtl}.
   */
  public void inheritAllocations(long upTo, long now) {
    inheritedUpTo = upTo;
    inheritedUntil = now + pendingTtlMillis;
  }

  public void allocated(long handle, long now) {
    pending.put(handle, now);
  }

  public void committed(long handle) {
    pending.remove(handle);
    unknown.remove(handle);
  }

  public boolean isPending(long handle) {
    return pending.containsKey(handle);
  }

  /** Pending, or possibly allocated by an earlier incarnation and within its protection. */
  private boolean isProtected(long handle, long now) {
    return pending.containsKey(handle) || (handle <= inheritedUpTo && now < inheritedUntil
        && !recentGarbage.containsKey(handle));
  }

  public int pendingCount() {
    return pending.size();
  }

  public void garbage(long handle, long now) {
    pending.remove(handle);
    recentGarbage.put(handle, now);
  }

  public boolean isRecentGarbage(long handle) {
    return recentGarbage.containsKey(handle);
  }

  public void unknownReported(long handle, int ordinal, long version, long now) {
    unknown.computeIfAbsent(handle, k -> new HashMap<>(2)).putIfAbsent(ordinal,
        new Unknown(version, now));
  }

  public void unknownGone(long handle, int ordinal) {
    Map<Integer, Unknown> m = unknown.get(handle);
    if (m != null && m.remove(ordinal) != null && m.isEmpty()) {
      unknown.remove(handle);
    }
  }

  public int unknownCount() {
    return unknown.size();
  }

  /** Receives an unknown replica that is due for deletion. */
  @FunctionalInterface
  public interface Collector {
    void collect(long handle, int ordinal, long version);
  }

  /**
   * Hands every unknown replica older than the grace period that is not pending (and still not
   * referenced, per {@code referenced}) to {@code collector}, and expires old bookkeeping.
   */
  public void collect(long now, java.util.function.LongPredicate referenced, Collector collector) {
    pending.values().removeIf(t -> now - t >= pendingTtlMillis);
    recentGarbage.values().removeIf(t -> now - t >= Math.max(pendingTtlMillis, graceMillis));
    for (Iterator<Map.Entry<Long, Map<Integer, Unknown>>> it = unknown.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Long, Map<Integer, Unknown>> e = it.next();
      long handle = e.getKey();
      if (referenced.test(handle)) {
        it.remove();
        continue;
      }
      if (isProtected(handle, now)) {
        continue;
      }
      e.getValue().entrySet().removeIf(u -> {
        if (now - u.getValue().firstSeen() >= graceMillis) {
          collector.collect(handle, u.getKey(), u.getValue().version());
          return true;
        }
        return false;
      });
      if (e.getValue().isEmpty()) {
        it.remove();
      }
    }
  }
}
