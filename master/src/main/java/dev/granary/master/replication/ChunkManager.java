package dev.granary.master.replication;

import com.google.common.base.Ticker;
import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.LivenessMonitor;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.placement.NodeView;
import dev.granary.master.placement.PlacementPolicy;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.CommandResultRequest;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.NodeStatus;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's soft state about chunks (GFS §2.6.2, §4.3–4.5): which live chunkservers hold which
 * replica, what each chunkserver must do next, and the periodic {@link #tick} that notices dead
 * nodes, resolves votes, collects garbage and schedules re-replication. Nothing here is persisted:
 * after a restart it is rebuilt from registrations and replica reports, and until those cover the
 * namespace {@link #locationsComplete()} is false and nothing is deleted or copied on its account.
 *
 * <p>Thread-safe: every method takes the shared metadata lock (write for changes, read for
 * queries), the same lock the namespace service uses, so a commit and a report never interleave.
 */
public final class ChunkManager {
  private static final Logger log = LoggerFactory.getLogger(ChunkManager.class);
  private static final int MAX_COMMANDS_PER_PULSE = 512;

  /** Tunables, most from the master config. */
  public record Settings(Duration pulseInterval, Duration deadAfter, Duration gcInterval,
      long chunkSize, int minReplicas, int maxCopiesPerNode, Duration copyTimeout,
      Duration leaseTimeout, Duration startupDeletionDelay) {}

  private final String nodeId;
  private final Settings settings;
  private final Namespace namespace;
  private final PlacementPolicy placement;
  private final Ticker ticker;
  private final ReentrantReadWriteLock lock;
  private final NodeRegistry registry = new NodeRegistry();
  private final ReplicaMap replicas = new ReplicaMap();
  private final SuspectReplicas suspects = new SuspectReplicas();
  private final Set<Long> corrupt = new LinkedHashSet<>();
  private final LivenessMonitor liveness;
  private final GarbageTracker garbage;
  private final ReplicationScheduler scheduler;
  private final VoteResolver votes;
  private final HealthScanner health;
  private final ReportReconciler reconciler;
  private final DeletionGuard deletions;
  private final BadReplicaReports badReports = new BadReplicaReports();
  private final ReportWaiters waiters = new ReportWaiters();
  private final long startMillis;
  /** How stale the health summary {@code cluster} shows may get. */
  static final long HEALTH_PERIOD_MILLIS = 1000;
  private volatile HealthScanner.Health rootHealth;
  private long rootHealthAt;
  private volatile boolean locationsComplete;

  public ChunkManager(String nodeId, Settings settings, Namespace namespace,
      PlacementPolicy placement, Ticker ticker, ReentrantReadWriteLock lock, DigestLog digestLog) {
    this.nodeId = nodeId;
    this.settings = settings;
    this.namespace = namespace;
    this.placement = placement;
    this.ticker = ticker;
    this.lock = lock;
    this.liveness = new LivenessMonitor(registry, settings.deadAfter());
    this.garbage = new GarbageTracker(settings.leaseTimeout().toMillis(),
        settings.gcInterval().toMillis());
    this.startMillis = now();
    this.deletions = new DeletionGuard(nodeId, startMillis,
        settings.startupDeletionDelay().toMillis());
    this.scheduler = new ReplicationScheduler(nodeId, registry, replicas, namespace, placement,
        settings.maxCopiesPerNode(), settings.copyTimeout().toMillis(),
        deletions::deferredHolders);
    this.votes = new VoteResolver(nodeId, namespace, registry, replicas, suspects, scheduler,
        corrupt, digestLog, deletions);
    this.health = new HealthScanner(namespace, registry, replicas, corrupt);
    this.reconciler = new ReportReconciler(nodeId, namespace, replicas, suspects, garbage,
        scheduler, corrupt);
    this.locationsComplete = namespace.chunkCount() == 0;
  }

  /**
   * Milliseconds on the monotonic ticker: every duration here (pulses, deadlines, garbage
   * lifetimes) is measured on it, so a step of the wall clock (NTP, a VM resumed) neither declares
   * nodes dead nor stretches a timeout (HDFS-6841). Only differences of it mean anything.
   */
  private long now() {
    return TimeUnit.NANOSECONDS.toMillis(ticker.read());
  }

  // ------------------------------------------------------------------ writes from clients

  /**
   * A pipeline for a new chunk: {@code min(replication, eligible)} distinct live nodes with room.
   *
   * @throws MetadataException UNAVAILABLE if fewer than minReplicas nodes are eligible
   */
  public List<NodeAddress> choosePipeline(int replication, List<String> exclude) {
    lock.writeLock().lock();
    try {
      List<NodeView> views = new ArrayList<>();
      for (ChunkserverNode n : registry.all()) {
        views.add(n.view());
      }
      List<NodeView> chosen = placement.chooseTargets(views, replication, new HashSet<>(exclude),
          settings.chunkSize());
      int need = Math.min(settings.minReplicas(), replication);
      if (chosen.size() < need) {
        throw new MetadataException(Status.UNAVAILABLE, "only " + chosen.size()
            + " live chunkservers with room (need at least " + need + ")");
      }
      List<NodeAddress> out = new ArrayList<>(chosen.size());
      for (NodeView v : chosen) {
        ChunkserverNode n = registry.get(v.id());
        n.reserve(settings.chunkSize());
        out.add(n.address());
      }
      return out;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Start-up: {@code releasedByReplay} are handles of files deleted or replaced in the replayed
   * log (garbage at once); any other unreferenced handle up to {@code reservedUpTo} may belong to
   * a write an earlier incarnation allocated and is protected like a pending allocation.
   */
  public void inherit(long reservedUpTo, long[] releasedByReplay) {
    lock.writeLock().lock();
    try {
      long now = now();
      garbage.inheritAllocations(reservedUpTo, now);
      for (long h : releasedByReplay) {
        if (namespace.fileOf(h) == null) {
          garbage.garbage(h, now);
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Protects a freshly allocated handle from garbage collection while it is written: it is held
   * under {@code clientId}'s write lease, which this renews.
   */
  public void allocated(String clientId, long handle) {
    lock.writeLock().lock();
    try {
      garbage.allocated(clientId, handle, now());
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * A lease renewal (see {@link GarbageTracker#renew}): renews {@code clientId}'s lease, re-learns
   * the uncommitted handles it lists, and returns those the master no longer keeps for it.
   */
  public List<Long> renewLease(String clientId, List<Long> handles) {
    lock.writeLock().lock();
    try {
      return garbage.renew(clientId, handles, h -> namespace.fileOf(h) != null, now());
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** How long a write lease lasts unrenewed. */
  public Duration leaseTimeout() {
    return settings.leaseTimeout();
  }

  /** The fewest confirmed replicas a chunk of a file of {@code replication} needs to commit. */
  private int replicasNeeded(int replication) {
    return Math.min(settings.minReplicas(), replication);
  }

  /**
   * Whether every chunk of a commit by {@code clientId} could be recorded now; if not, a future
   * that completes (normally) when reports make them so or after {@code wait}, whichever is first:
   * the caller then commits with {@link #confirm}, which has the final word. Never blocks. Renews
   * the client's lease.
   *
   * @throws MetadataException LEASE_EXPIRED if a chunk's writer let its lease expire
   */
  public CompletableFuture<Void> awaitConfirmed(String clientId, String path,
      List<CommitChunk> chunks, int replication, Duration wait) {
    lock.writeLock().lock();
    try {
      long now = now();
      garbage.touch(clientId, now);
      int need = replicasNeeded(replication);
      List<CommitChunk> unconfirmed = new ArrayList<>();
      for (CommitChunk c : chunks) {
        if (confirmedOrdinals(path, c, now).size() < need) {
          unconfirmed.add(c);
        }
      }
      return unconfirmed.isEmpty() ? CompletableFuture.completedFuture(null)
          : waiters.add(path, unconfirmed, need, now + wait.toMillis());
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * The replicas a commit may record for chunk {@code c}: the live chunkservers that reported the
   * handle with the chunk's version, length and digest, those the commit names first in its order
   * (the pipeline's head first), then any other. The commit's list of replicas on its own proves
   * nothing: it only orders them.
   *
   * @throws MetadataException LEASE_EXPIRED if the handle's writer let its lease expire (or it is
   *     not pending at all), UNAVAILABLE if fewer than minReplicas (or the file's replication, if
   *     lower) chunkservers confirmed it
   */
  public List<String> confirm(String path, CommitChunk c, int replication) {
    lock.readLock().lock();
    try {
      List<Integer> ordinals = confirmedOrdinals(path, c, now());
      int need = replicasNeeded(replication);
      if (ordinals.size() < need) {
        throw new MetadataException(Status.UNAVAILABLE, "chunk " + ChunkHandles.format(c.handle())
            + " of '" + path + "' has " + ordinals.size() + " replicas confirmed by chunkserver"
            + " reports (need at least " + need + "; the writer named " + c.replicaIds()
            + "): reports did not arrive in time or the replicas are gone");
      }
      List<String> out = new ArrayList<>(ordinals.size());
      for (int o : ordinals) {
        out.add(registry.byOrdinal(o).id());
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** For a waiting commit: how many confirmed {@code c}; "enough" if it can never commit. */
  private int confirmations(String path, CommitChunk c, long now) {
    try {
      return confirmedOrdinals(path, c, now).size();
    } catch (MetadataException e) {
      return Integer.MAX_VALUE; // the commit's own check reports why
    }
  }

  /** Live confirming nodes of {@code c}, in the commit's order, then the others. */
  private List<Integer> confirmedOrdinals(String path, CommitChunk c, long now) {
    GarbageTracker.Standing standing = garbage.standing(c.handle(), now);
    if (standing != GarbageTracker.Standing.PROTECTED) {
      throw new MetadataException(Status.LEASE_EXPIRED, "chunk "
          + ChunkHandles.format(c.handle()) + " of '" + path + "' was released: "
          + (standing == GarbageTracker.Standing.LEASE_EXPIRED
              ? "its writer's lease expired (not renewed for " + settings.leaseTimeout().toMillis()
                  + " ms)"
              : "it is not an upload in progress on this master")
          + "; write the file again");
    }
    List<Integer> reported = garbage.reportedWith(c.handle(), c.version(), c.length(),
        c.digest());
    List<Integer> out = new ArrayList<>(reported.size());
    for (String id : c.replicaIds()) {
      ChunkserverNode n = registry.get(id);
      if (n != null && n.isLive() && reported.contains(n.ordinal()) && !out.contains(n.ordinal())) {
        out.add(n.ordinal());
      }
    }
    for (int o : reported) {
      if (registry.byOrdinal(o).isLive() && !out.contains(o)) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * Records chunk {@code c} as committed: its locations are the replicas chunkservers reported
   * with its content ({@link #confirm}), in that order, the pipeline's head first. It is the one
   * replica kept in its chunkserver's page cache (the others are written around it), so readers,
   * who try the first location first, find the chunk in memory.
   */
  public void committed(String path, CommitChunk c) {
    lock.writeLock().lock();
    try {
      List<Integer> ordinals = garbage.standing(c.handle(), now())
          == GarbageTracker.Standing.PROTECTED ? confirmedOrdinals(path, c, now()) : List.of();
      garbage.committed(c.handle());
      for (int o : ordinals) {
        if (replicas.add(c.handle(), o)) {
          registry.byOrdinal(o).chunkAdded();
        }
      }
      scheduler.check(c.handle());
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Ends the waits for reports that have run out (called periodically). */
  public void expireCommitWaits() {
    List<CompletableFuture<Void>> due;
    lock.writeLock().lock();
    try {
      due = waiters.due(now());
    } finally {
      lock.writeLock().unlock();
    }
    due.forEach(f -> f.complete(null));
  }

  /** Chunks no file references any more, as (handle, version) pairs: delete every replica. */
  public void garbage(long[] pairs) {
    if (pairs.length == 0) {
      return;
    }
    lock.writeLock().lock();
    try {
      long now = now();
      for (int i = 0; i < pairs.length; i += 2) {
        long h = pairs[i];
        garbage.garbage(h, now);
        scheduler.forget(h);
        suspects.forget(h);
        corrupt.remove(h);
        for (int o : replicas.removeAll(h)) {
          ChunkserverNode n = registry.byOrdinal(o);
          n.chunkRemoved();
          n.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, h, pairs[i + 1], null));
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------ chunkserver protocol

  /** Registers (or re-registers) a chunkserver seen at {@code observedHost}. */
  public void register(RegisterRequest r, String observedHost) {
    lock.writeLock().lock();
    try {
      registry.register(r.nodeId(), observedHost, r.port(), r.capacityBytes(), r.usedBytes(),
          r.freeBytes(), now());
      log.info("{}: chunkserver {} registered from {}:{} (capacity {} bytes, free {})", nodeId,
          r.nodeId(), observedHost, r.port(), r.capacityBytes(), r.freeBytes());
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * A pulse: updates space and liveness and hands out queued commands.
   *
   * @throws MetadataException NOT_REGISTERED for an unknown or DEAD node (it must re-register)
   */
  public PulseResponse pulse(PulseRequest p) {
    lock.writeLock().lock();
    try {
      ChunkserverNode n = registered(p.nodeId());
      n.pulsed(p.capacityBytes(), p.usedBytes(), p.freeBytes(), now());
      return new PulseResponse(n.drainCommands(MAX_COMMANDS_PER_PULSE));
    } finally {
      lock.writeLock().unlock();
    }
  }

  private ChunkserverNode registered(String id) {
    ChunkserverNode n = registry.get(id);
    if (n == null || !n.isLive()) {
      throw new MetadataException(Status.NOT_REGISTERED, "chunkserver " + id
          + " is not registered with master " + nodeId + "; register and send a full report");
    }
    return n;
  }

  /**
   * A replica report, full (possibly in parts) or incremental. Replicas of chunks not yet
   * committed are recorded with their content, for the commit to count; a commit waiting for them
   * is woken (after the lock is released).
   */
  public void report(ReplicaReportRequest r) {
    List<CompletableFuture<Void>> ready;
    lock.writeLock().lock();
    try {
      ChunkserverNode n = registered(r.nodeId());
      long now = now();
      if (r.full() && r.part() == 0) {
        // What the node held before may be gone (a wiped disk): only this report's content counts.
        garbage.unconfirmAll(n.ordinal());
      }
      for (ReplicaInfo info : r.replicas()) {
        if (namespace.fileOf(info.handle()) == null) {
          garbage.replicaReported(info.handle(), n.ordinal(), info, now);
        }
      }
      reconciler.report(n, r, now);
      ready = waiters.isEmpty() ? List.of()
          : waiters.ready(r.replicas(), (path, c) -> confirmations(path, c, now));
    } finally {
      lock.writeLock().unlock();
    }
    ready.forEach(f -> f.complete(null));
  }

  /** The outcome of a command: frees copy slots; a failed copy is retried elsewhere. */
  public void commandResult(CommandResultRequest r) {
    lock.writeLock().lock();
    try {
      ChunkserverNode n = registered(r.nodeId());
      ChunkCommand c = r.command();
      if (c.kind() == ChunkCommand.Kind.COPY) {
        scheduler.onCopyResult(n, c, r.ok(), r.message());
      } else if (c.kind() == ChunkCommand.Kind.VERIFY) {
        badReports.done(c.handle(), n.ordinal());
        if (r.ok()) {
          log.info("{}: replica of chunk {} on {} verified good: the report against it was "
              + "wrong", nodeId, ChunkHandles.format(c.handle()), n.id());
        } else {
          log.warn("{}: verifying chunk {} on {} failed: {}", nodeId,
              ChunkHandles.format(c.handle()), n.id(), r.message());
        }
      } else if (!r.ok()) {
        log.warn("{}: {} of chunk {} on {} failed: {}", nodeId, c.kind(),
            ChunkHandles.format(c.handle()), n.id(), r.message());
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * A replica was reported to fail its checksums. From its holder ({@code fromHolder}: the
   * scrubber, a verification or a copy found it, and the holder has quarantined it) the report
   * is a fact: the location goes and the chunk is re-replicated. From anyone else (a reader) it is
   * a claim: the holder is asked to verify the replica and nothing is removed on the claim alone;
   * such claims are rate limited per {@code reporter}.
   */
  public void reportBad(ReportBadReplicaRequest r, boolean fromHolder, String reporter) {
    lock.writeLock().lock();
    try {
      ChunkserverNode n = registry.get(r.nodeId());
      if (n == null) {
        log.debug("{}: bad replica report from {} names unknown chunkserver {}", nodeId,
            reporter, r.nodeId());
        return;
      }
      if (fromHolder) {
        log.warn("{}: replica of chunk {} v{} on {} is corrupt (found by its holder): {}",
            nodeId, ChunkHandles.format(r.handle()), r.version(), n.id(), r.reason());
        badReports.done(r.handle(), n.ordinal());
        suspects.remove(r.handle(), n.ordinal());
        if (replicas.remove(r.handle(), n.ordinal())) {
          n.chunkRemoved();
        }
        if (namespace.fileOf(r.handle()) != null) {
          corrupt.add(r.handle());
          scheduler.check(r.handle());
        }
        return;
      }
      if (!n.isLive() || !replicas.contains(r.handle(), n.ordinal())) {
        log.debug("{}: {} reports chunk {} on {} bad, but it is not a live location there",
            nodeId, reporter, ChunkHandles.format(r.handle()), n.id());
        return;
      }
      switch (badReports.admit(reporter, r.handle(), n.ordinal(), now())) {
        case VERIFY -> {
          log.warn("{}: {} reports the replica of chunk {} on {} bad ({}): asking {} to verify "
              + "it", nodeId, reporter, ChunkHandles.format(r.handle()), n.id(), r.reason(),
              n.id());
          n.enqueue(new ChunkCommand(ChunkCommand.Kind.VERIFY, r.handle(), r.version(), null));
        }
        case ALREADY_VERIFYING -> log.debug("{}: chunk {} on {} is already being verified",
            nodeId, ChunkHandles.format(r.handle()), n.id());
        case REFUSED -> {
          if (badReports.refused() % 1000 == 1) {
            log.warn("{}: bad replica reports refused ({} so far): {} sends too many, or {} "
                + "verifications are in flight", nodeId, badReports.refused(), reporter,
                badReports.inFlight());
          }
        }
        default -> throw new IllegalStateException();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ------------------------------------------------------------------ periodic work

  /**
   * The periodic work, as named steps: liveness, location completeness, votes, garbage
   * collection, re-replication, deferred deletions; then the health summary {@code cluster}
   * answers from, refreshed under the read lock at most every {@link #HEALTH_PERIOD_MILLIS}.
   */
  public void tick() {
    lock.writeLock().lock();
    try {
      tickLocked(now());
    } finally {
      lock.writeLock().unlock();
    }
    refreshHealth();
  }

  private void tickLocked(long now) {
    checkLiveness(now);
    if (!locationsComplete) {
      updateLocationsComplete(now);
    }
    if (!locationsComplete) {
      return; // nothing is voted, deleted or copied on the strength of partial reports
    }
    votes.resolveAll();
    collectGarbage(now);
    scheduler.schedule(now);
    releaseDeferredDeletions();
    forgetRepairedCorruption();
  }

  /** Nodes silent for deadAfter go DEAD; their chunks are queued for re-replication. */
  private void checkLiveness(long now) {
    for (ChunkserverNode dead : liveness.check(now)) {
      long[] held = replicas.handlesOf(dead.ordinal());
      log.info("{}: chunkserver {} missed pulses for {} ms: DEAD; {} chunks queued for "
          + "re-replication", nodeId, dead.id(), now - dead.lastPulseMillis(), held.length);
      scheduler.onNodeDead(dead);
      deletions.forgetNode(dead.ordinal());
      badReports.forgetNode(dead.ordinal());
      for (long h : held) {
        reconciler.removeLocation(h, dead);
      }
    }
  }

  /** Bad replicas whose chunks are back at their goal (or gone) are deleted now. */
  private void releaseDeferredDeletions() {
    int liveNodes = registry.live().size();
    deletions.releaseDeferred((h, badHolders) -> {
      FileNode f = namespace.fileOf(h);
      int live = scheduler.liveReplicas(h);
      return f == null
          || (live > 0 && live >= Math.min(f.replication(), liveNodes - badHolders));
    }, registry::byOrdinal);
  }

  /** A chunk stops counting as corrupt once no suspect is left and its goal is met. */
  private void forgetRepairedCorruption() {
    corrupt.removeIf(h -> {
      FileNode f = namespace.fileOf(h);
      return f == null || (!suspects.has(h) && scheduler.liveReplicas(h) >= f.replication());
    });
  }

  /** Recomputes the whole-namespace health summary if it is older than its period. */
  private void refreshHealth() {
    long now = now();
    if (rootHealth != null && now - rootHealthAt < HEALTH_PERIOD_MILLIS) {
      return;
    }
    lock.readLock().lock();
    try {
      rootHealth = health.scan("/");
      rootHealthAt = now;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Unknown replicas past their grace, per node, through the deletion guard. */
  private void collectGarbage(long now) {
    if (!deletions.collectionAllowed(now, locationsComplete)) {
      return;
    }
    Map<Integer, List<GarbageTracker.Candidate>> due = new HashMap<>();
    garbage.collect(now, h -> namespace.fileOf(h) != null,
        c -> due.computeIfAbsent(c.ordinal(), k -> new ArrayList<>()).add(c));
    for (Map.Entry<Integer, List<GarbageTracker.Candidate>> e : due.entrySet()) {
      ChunkserverNode n = registry.byOrdinal(e.getKey());
      if (n.isLive()) {
        deletions.collect(n, e.getValue(), n.chunks());
      }
    }
  }

  /**
   * An operator releases (carries out) or discards (keeps the replicas of) the held deletions of
   * {@code node} (an id or host:port; empty for every node).
   *
   * @return how many replicas were acted on
   * @throws MetadataException NOT_FOUND if no chunkserver is called {@code node}
   */
  public long actOnHeldDeletions(boolean release, String node) {
    lock.writeLock().lock();
    try {
      java.util.function.IntPredicate select;
      if (node.isEmpty()) {
        select = o -> true;
      } else {
        ChunkserverNode target = null;
        for (ChunkserverNode n : registry.all()) {
          if (n.id().equals(node) || n.address().hostPort().equals(node)) {
            target = n;
          }
        }
        if (target == null) {
          throw new MetadataException(Status.NOT_FOUND, "no chunkserver '" + node
              + "' (expected a node id or host:port from 'granary cluster')");
        }
        int ordinal = target.ordinal();
        select = o -> o == ordinal;
      }
      long n = deletions.take(select, (ordinal, handle, version) -> {
        ChunkserverNode holder = registry.byOrdinal(ordinal);
        if (!release) {
          garbage.keep(handle, ordinal);
        } else if (namespace.fileOf(handle) == null && holder.isLive()) {
          holder.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, handle, version, null));
        }
      });
      log.warn("{}: an operator {} {} held replica deletions{}", nodeId,
          release ? "released" : "discarded", n, node.isEmpty() ? "" : " on " + node);
      return n;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void updateLocationsComplete(long now) {
    boolean[] all = {true};
    namespace.forEachHandle(h -> {
      if (all[0] && replicas.holders(h).length == 0 && !suspects.has(h)) {
        all[0] = false;
      }
    });
    boolean reportsIn = now - startMillis >= settings.deadAfter().toMillis();
    for (ChunkserverNode n : registry.all()) {
      if (n.isLive() && !n.fullReportDone()) {
        reportsIn = false;
      }
    }
    if (all[0] || reportsIn) {
      locationsComplete = true;
      log.info("{}: replica locations complete ({}) after {} ms", nodeId,
          all[0] ? "every chunk has a reported replica" : "every live chunkserver has reported",
          now - startMillis);
      for (ChunkserverNode n : registry.all()) {
        for (long h : replicas.handlesOf(n.ordinal())) {
          scheduler.check(h);
        }
      }
      namespace.forEachHandle(h -> {
        if (replicas.holders(h).length == 0) {
          scheduler.check(h);
        }
      });
    }
  }

  // ------------------------------------------------------------------ queries

  /** Whether reports cover the namespace since start-up (see class comment). */
  public boolean locationsComplete() {
    return locationsComplete;
  }

  /** Live replicas of {@code handle}, for readers. */
  public List<NodeAddress> liveLocations(long handle) {
    lock.readLock().lock();
    try {
      int[] holders = replicas.holders(handle);
      List<NodeAddress> out = new ArrayList<>(holders.length);
      for (int o : holders) {
        ChunkserverNode n = registry.byOrdinal(o);
        if (n.isLive()) {
          out.add(n.address());
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  public ClusterStatusResponse clusterStatus(String masterId, String clusterId,
      long uptimeMillis) {
    lock.readLock().lock();
    try {
      long now = now();
      List<NodeStatus> nodes = new ArrayList<>();
      for (ChunkserverNode n : registry.all()) {
        nodes.add(new NodeStatus(n.id(), n.host(), n.port(), n.state().name(), n.used(),
            n.capacity(), n.free(), n.chunks(), Math.max(0, now - n.lastPulseMillis()),
            n.copiesInFlight()));
      }
      // The tick keeps this summary current; no scan of the namespace per request.
      HealthScanner.Health h = rootHealth != null ? rootHealth : health.scan("/");
      return new ClusterStatusResponse(masterId, nodes, namespace.fileCount(),
          namespace.directoryCount(), namespace.chunkCount(), h.underReplicated(),
          h.overReplicated(), h.missing(), h.corrupt(), scheduler.queueSize(),
          scheduler.inFlight(), locationsComplete, uptimeMillis, clusterId,
          deletions.heldCount());
    } finally {
      lock.readLock().unlock();
    }
  }

  public FsckResponse fsck(String path) {
    lock.readLock().lock();
    try {
      HealthScanner.Health h = health.scan(path);
      // Until reports cover the namespace a chunk without a location may just be unreported:
      // never call it lost (CORRUPT) then, but never HEALTHY either.
      String status = h.missing() > 0 && locationsComplete ? "CORRUPT"
          : h.missing() > 0 || h.underReplicated() > 0 || h.corrupt() > 0 || !locationsComplete
          ? "DEGRADED" : "HEALTHY";
      List<String> problems = new ArrayList<>(h.problems());
      if (!locationsComplete && problems.size() < HealthScanner.MAX_PROBLEMS) {
        problems.add(0, "replica locations are still being reported after a master restart");
      }
      long held = deletions.heldCount();
      if (held > 0 && problems.size() < HealthScanner.MAX_PROBLEMS) {
        problems.add(0, held + " replica deletions held: most of a chunkserver's replicas looked "
            + "like garbage at once (see 'granary cluster release-deletions')");
      }
      return new FsckResponse(h.files(), h.chunks(), h.healthy(), h.underReplicated(),
          h.overReplicated(), h.corrupt(), h.missing(), votes.decisions(), scheduler.queueSize(),
          locationsComplete, status, problems, held);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Re-replication queue in scheduling order (for tests and diagnostics). */
  public List<Long> replicationQueue() {
    lock.readLock().lock();
    try {
      return scheduler.queueInPriorityOrder();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A node's state, or null (for tests and diagnostics). */
  public ChunkserverNode node(String id) {
    lock.readLock().lock();
    try {
      return registry.get(id);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Ids of the nodes holding {@code handle} (live or not). */
  public List<String> holders(long handle) {
    lock.readLock().lock();
    try {
      List<String> out = new ArrayList<>();
      for (int o : replicas.holders(handle)) {
        out.add(registry.byOrdinal(o).id());
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }
}
