package dev.granary.master.replication;

import dev.granary.wire.msg.ReplicaInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What garbage collection needs to tell garbage from work in progress (GFS §4.4, lazy reclamation
 * by reconciling chunkserver reports against the namespace):
 * <ul>
 *   <li>pending allocations: handles handed to a writer and not yet committed, protected while
 *       the writer's lease is live ({@link WriteLeases}), however long the upload takes. When the
 *       lease runs out, its handles become recent garbage: their replicas are collected, and a
 *       commit or renewal naming them is refused;
 *   <li>recent garbage: handles of deleted or replaced files and of expired leases, deleted on sight
 *       when reported;
 *   <li>unknown replicas: reported handles no file references, with the content each chunkserver
 *       reported (the facts a commit records as locations), deleted once they have stayed unknown
 *       for the grace period and are not protected (abandoned writes, files deleted before a master
 *       restart).
 *   <li>inherited allocations: leases live in memory only, so after a restart every handle an
 *       earlier incarnation may have handed out (up to the journaled reservation) could belong to a
 *       write still in flight. Such handles are protected for one lease timeout after start-up,
 *       unless replay showed them to be garbage; a writer's renewal within that time adopts them
 *       under its lease again.
 *   <li>provenance: a replica of recent garbage (a file deleted through this master, a lease it saw
 *       expire) is garbage on this master's own knowledge; every other unknown replica is garbage
 *       only on the strength of the namespace, which may be old (a restored backup), so
 *       {@link Candidate#provenance} tells the collector which is which.
 *   <li>kept replicas: unknown replicas an operator chose to keep (a discarded deletion hold);
 *       never proposed again by this incarnation.
 * </ul>
 * Guarded by the master's metadata lock.
 */
public final class GarbageTracker {
  private static final Logger log = LoggerFactory.getLogger(GarbageTracker.class);

  private final long graceMillis;
  private final WriteLeases leases;
  private final Map<Long, Long> recentGarbage = new HashMap<>();
  /** handle -> (node ordinal -> first seen). */
  private final Map<Long, Map<Integer, Unknown>> unknown = new HashMap<>();
  private long inheritedUpTo;
  private long inheritedUntil;

  /**
   * An unreferenced replica on a node: the version, length and digest its chunkserver reported
   * (length -1 when only the version is known), and when it was first reported.
   */
  public record Unknown(long version, long length, long digest, long firstSeen) {
    /** Whether the chunkserver reported exactly this content. */
    boolean holds(long v, long len, long d) {
      return version == v && length == len && digest == d;
    }
  }

  /** Whether a handle may be committed, and if not why not. */
  public enum Standing { PROTECTED, LEASE_EXPIRED, NOT_PENDING }

  /** Why an unreferenced replica is believed to be garbage. */
  public enum Provenance {
    /** Its file was deleted or replaced, or its writer's lease expired, as this master saw. */
    KNOWN,
    /** Not in the namespace, and within the handles this master reserved. */
    UNREFERENCED,
    /** A handle no incarnation of this master handed out: its namespace is older than the replica. */
    NEVER_ALLOCATED
  }

  /** An unknown replica due for deletion. */
  public record Candidate(long handle, int ordinal, long version, Provenance provenance) {}

  private final Set<Long> kept = new java.util.HashSet<>();
  /** The highest handle this incarnation allocated. */
  private long allocatedUpTo;

  public GarbageTracker(long leaseTimeoutMillis, long graceMillis) {
    this.leases = new WriteLeases(leaseTimeoutMillis);
    this.graceMillis = graceMillis;
  }

  /**
   * After a restart: handles up to {@code upTo} may have been handed out by an earlier incarnation
   * to writes still in flight; protect them for one lease timeout, time for their writers to renew.
   */
  public void inheritAllocations(long upTo, long now) {
    inheritedUpTo = upTo;
    inheritedUntil = now + leases.timeoutMillis();
  }

  /** {@code handle} was allocated to {@code clientId}: renews its lease and holds the handle. */
  public void allocated(String clientId, long handle, long now) {
    touch(clientId, now);
    leases.hold(clientId, handle);
    allocatedUpTo = Math.max(allocatedUpTo, handle);
  }

  /** Renews {@code clientId}'s lease (a commit, or any other contact about its writes). */
  public void touch(String clientId, long now) {
    leases.renew(clientId, now, (c, handles) -> released(c, handles, now, "renewed too late"));
  }

  /**
   * A renewal: renews the lease and re-learns the handles the client lists. Returns the listed
   * handles the master does not keep for this client: released when its lease expired, garbage,
   * never allocated, or (after a restart) not claimed within the inheritance window. Handles of
   * committed files are neither.
   */
  public List<Long> renew(String clientId, List<Long> handles, LongPredicate referenced,
      long now) {
    touch(clientId, now);
    List<Long> released = new ArrayList<>();
    for (long h : handles) {
      if (referenced.test(h) || clientId.equals(leases.holder(h))) {
        continue;
      }
      if (leases.holder(h) == null && isInherited(h, now)) {
        leases.hold(clientId, h);
      } else {
        released.add(h);
      }
    }
    return released;
  }

  /** Whether {@code handle} may be committed now (see {@link Standing}). */
  public Standing standing(long handle, long now) {
    if (leases.isLive(handle, now) || isInherited(handle, now)) {
      return Standing.PROTECTED;
    }
    return leases.holder(handle) != null || recentGarbage.containsKey(handle)
        ? Standing.LEASE_EXPIRED : Standing.NOT_PENDING;
  }

  public void committed(long handle) {
    leases.remove(handle);
    unknown.remove(handle);
  }

  /** Within the inheritance window after a restart and not replayed garbage. */
  private boolean isInherited(long handle, long now) {
    return handle <= inheritedUpTo && now < inheritedUntil && !recentGarbage.containsKey(handle);
  }

  /** Pending under a live lease, or possibly allocated by an earlier incarnation. */
  private boolean isProtected(long handle, long now) {
    return leases.isLive(handle, now) || isInherited(handle, now);
  }

  public int pendingCount() {
    return leases.pendingCount();
  }

  /** The handles being written now: allocated and not yet committed or released (a copy). */
  public Set<Long> writesInProgress() {
    return leases.pendingHandles();
  }

  /**
   * Whether uncommitted {@code handle} may still be committed: held under a live lease, or
   * possibly by a writer of an earlier incarnation (see {@link #standing}).
   */
  public boolean stillWriting(long handle, long now) {
    return isProtected(handle, now);
  }

  /**
   * Whether node {@code ordinal} first reported, at {@code seenSince} or later, a replica of a
   * write that may still be committed (its handle pending under a live lease, or possibly handed
   * out by an earlier incarnation).
   */
  public boolean holdsWriteInProgress(int ordinal, long now, long seenSince) {
    for (Map.Entry<Long, Map<Integer, Unknown>> e : unknown.entrySet()) {
      Unknown u = e.getValue().get(ordinal);
      if (u != null && u.firstSeen() >= seenSince && isProtected(e.getKey(), now)) {
        return true;
      }
    }
    return false;
  }

  private void released(String clientId, Set<Long> handles, long now, String how) {
    log.info("write lease of client {} expired ({}; timeout {} ms): {} uncommitted chunks"
        + " released for garbage collection", clientId, how, leases.timeoutMillis(),
        handles.size());
    for (long h : handles) {
      recentGarbage.put(h, now);
    }
  }

  public void garbage(long handle, long now) {
    leases.remove(handle);
    recentGarbage.put(handle, now);
  }

  public boolean isRecentGarbage(long handle) {
    return recentGarbage.containsKey(handle);
  }

  /** An unreferenced replica reported with its version only (its content counts for nothing). */
  public void unknownReported(long handle, int ordinal, long version, long now) {
    if (kept.contains(keepKey(handle, ordinal))) {
      return;
    }
    unknown.computeIfAbsent(handle, k -> new HashMap<>(2)).putIfAbsent(ordinal,
        new Unknown(version, -1, 0, now));
  }

  /**
   * An unreferenced replica reported with its content: recorded (keeping when it was first seen)
   * so that a commit can count it, unless the handle is recent garbage, whose replicas are deleted
   * on sight and never count.
   */
  public void replicaReported(long handle, int ordinal, ReplicaInfo info, long now) {
    if (recentGarbage.containsKey(handle) || kept.contains(keepKey(handle, ordinal))) {
      unknownGone(handle, ordinal);
      return;
    }
    Map<Integer, Unknown> m = unknown.computeIfAbsent(handle, k -> new HashMap<>(2));
    Unknown old = m.get(ordinal);
    m.put(ordinal, new Unknown(info.version(), info.length(), info.digest(),
        old == null ? now : old.firstSeen()));
  }

  /**
   * A node begins a full report: what it reported of unreferenced replicas before no longer
   * counts for a commit until it reports them again (it keeps when each was first seen).
   */
  public void unconfirmAll(int ordinal) {
    for (Map<Integer, Unknown> m : unknown.values()) {
      m.computeIfPresent(ordinal, (o, u) -> new Unknown(u.version(), -1, 0, u.firstSeen()));
    }
  }

  /** Ordinals of the nodes that reported {@code handle} with exactly this content. */
  public List<Integer> reportedWith(long handle, long version, long length, long digest) {
    Map<Integer, Unknown> m = unknown.get(handle);
    if (m == null) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>(m.size());
    m.forEach((o, u) -> {
      if (u.holds(version, length, digest)) {
        out.add(o);
      }
    });
    return out;
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
    if (recentGarbage.containsKey(handle)) {
      return Provenance.KNOWN;
    }
    return handle > Math.max(inheritedUpTo, allocatedUpTo) ? Provenance.NEVER_ALLOCATED
        : Provenance.UNREFERENCED;
  }

  /**
   * Releases the handles of expired leases, hands every unknown replica older than the grace
   * period that is not protected (and still not referenced, per {@code referenced}) to {@code
   * collector} with its provenance (it no longer counts for a commit), and expires old
   * bookkeeping.
   */
  public void collect(long now, LongPredicate referenced,
      java.util.function.Consumer<Candidate> collector) {
    leases.expire(now, (c, handles) -> released(c, handles, now, "not renewed"));
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
    recentGarbage.values().removeIf(t -> now - t >= Math.max(leases.timeoutMillis(), graceMillis));
  }
}
