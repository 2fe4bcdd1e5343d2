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
 *   <li>abandoned allocations: handles this incarnation handed out whose writer never committed
 *       them. Their replicas are garbage on this master's own knowledge; every other unknown
 *       replica is garbage only on the strength of the namespace, which may be old (a restored
 *       backup), so {@link Candidate#provenance} tells the collector which is which.
 *   <li>kept replicas: unknown replicas an operator chose to keep (a discarded deletion hold);
 *       never proposed again by this incarnation.
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
  /** The highest handle this incarnation allocated. */
  private long allocatedUpTo;
  private long inheritedUntil;

  /** An unreferenced replica on a node: its version and when it was first reported. */
  public record Unknown(long version, long firstSeen) {}

  /** Why an unreferenced replica is believed to be garbage. */
  public enum Provenance {
    /** Its file was deleted or replaced, or this incarnation allocated it and the write died. */
    KNOWN,
    /** Not in the namespace, and within the handles an earlier incarnation reserved. */
    UNREFERENCED,
    /** A handle no incarnation of this master handed out: its namespace is older than the replica. */
    NEVER_ALLOCATED
  }

  /** An unknown replica due for deletion. */
  public record Candidate(long handle, int ordinal, long version, Provenance provenance) {}

  /** At most this many abandoned handles are remembered (oldest forgotten first). */
  static final int MAX_ABANDONED = 1 << 20;
  private final java.util.LinkedHashMap<Long, Boolean> abandoned =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > MAX_ABANDONED;
        }
      };
  private final java.util.Set<Long> kept = new java.util.HashSet<>();

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
    allocatedUpTo = Math.max(allocatedUpTo, handle);
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
    if (kept.contains(keepKey(handle, ordinal))) {
      return;
    }
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

  /** An operator keeps this unknown replica: it is never proposed for deletion again. */
  public void keep(long handle, int ordinal) {
    kept.add(keepKey(handle, ordinal));
    unknownGone(handle, ordinal);
  }

  public int keptCount() {
    return kept.size();
  }

  private static long keepKey(long handle, int ordinal) {
    return handle * 31 + ordinal;
  }

  private Provenance provenance(long handle) {
    if (recentGarbage.containsKey(handle) || abandoned.containsKey(handle)) {
      return Provenance.KNOWN;
    }
    return handle > Math.max(inheritedUpTo, allocatedUpTo) ? Provenance.NEVER_ALLOCATED
        : Provenance.UNREFERENCED;
  }

  /**
   * Hands every unknown replica older than the grace period that is not pending (and still not
   * referenced, per {@code referenced}) to {@code collector} with its provenance, and expires old
   * bookkeeping. A pending allocation that expires is remembered as abandoned.
   */
  public void collect(long now, java.util.function.LongPredicate referenced,
      java.util.function.Consumer<Candidate> collector) {
    for (Iterator<Map.Entry<Long, Long>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Long> p = it.next();
      if (now - p.getValue() >= pendingTtlMillis) {
        abandoned.put(p.getKey(), Boolean.TRUE);
        it.remove();
      }
    }
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
          collector.accept(new Candidate(handle, u.getKey(), u.getValue().version(),
              provenance(handle)));
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
