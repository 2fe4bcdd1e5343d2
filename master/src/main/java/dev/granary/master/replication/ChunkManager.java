package dev.granary.master.replication;

import com.google.common.base.Ticker;
import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.DecommissionProgress;
import dev.granary.master.liveness.NodeState;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.liveness.Traffic;
import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.placement.NodeView;
import dev.granary.master.placement.PlacementPolicy;
import dev.granary.master.state.MasterState;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.BalanceResponse;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing side of the master's soft state about chunks (GFS §2.6.2, §4.3–4.5): pipelines
 * for new chunks, write leases, commit confirmation, garbage from the namespace, and the queries
 * (locations, cluster status, fsck). The chunkserver protocol is {@link ChunkserverProtocol}, the
 * periodic work {@link Tick}; {@link ChunkParts} builds all three over the same state. Nothing here
 * is persisted: after a restart it is rebuilt from registrations and replica reports, and until
 * those cover the namespace {@link #locationsComplete()} is false and nothing is deleted or copied
 * on its account.
 *
 * <p>Thread-safe: every method runs under {@link MasterState#write} (changes) or
 * {@link MasterState#read} (queries), the one lock the namespace service uses too, so a commit and
 * a report never interleave.
 */
public final class ChunkManager {
  private static final Logger log = LoggerFactory.getLogger(ChunkManager.class);

  /** Tunables, most from the master config. */
  public record Settings(Duration pulseInterval, Duration deadAfter, Duration gcInterval,
      long chunkSize, int minReplicas, int maxCopiesPerNode, Duration copyTimeout,
      Duration leaseTimeout, Duration startupDeletionDelay, int balanceThresholdPct,
      long balanceBandwidth) {}

  private final String nodeId;
  private final Settings settings;
  private final Namespace namespace;
  private final PlacementPolicy placement;
  private final Ticker ticker;
  private final MasterState state;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final SuspectReplicas suspects;
  private final Set<Long> corrupt;
  private final GarbageTracker garbage;
  private final ReplicationScheduler scheduler;
  private final VoteResolver votes;
  private final HealthScanner health;
  private final DeletionGuard deletions;
  private final ReportWaiters waiters;
  private final CommitConfirmations confirmations;
  private final LocationsTask locations;
  private final HealthSummaryTask healthSummary;
  private final DecommissionTask decommissions;
  private final Balancer balancer;

  ChunkManager(String nodeId, Settings settings, Namespace namespace, PlacementPolicy placement,
      Ticker ticker, MasterState state, NodeRegistry registry, ReplicaMap replicas,
      SuspectReplicas suspects, Set<Long> corrupt, GarbageTracker garbage,
      ReplicationScheduler scheduler, VoteResolver votes, HealthScanner health,
      DeletionGuard deletions, ReportWaiters waiters, CommitConfirmations confirmations,
      LocationsTask locations, HealthSummaryTask healthSummary, DecommissionTask decommissions,
      Balancer balancer) {
    this.nodeId = nodeId;
    this.settings = settings;
    this.namespace = namespace;
    this.placement = placement;
    this.ticker = ticker;
    this.state = state;
    this.registry = registry;
    this.replicas = replicas;
    this.suspects = suspects;
    this.corrupt = corrupt;
    this.garbage = garbage;
    this.scheduler = scheduler;
    this.votes = votes;
    this.health = health;
    this.deletions = deletions;
    this.waiters = waiters;
    this.confirmations = confirmations;
    this.locations = locations;
    this.healthSummary = healthSummary;
    this.decommissions = decommissions;
    this.balancer = balancer;
  }

  private long now() {
    return Ticks.millis(ticker);
  }

  // ------------------------------------------------------------------ writes from clients

  /**
   * A pipeline for a new chunk: {@code min(replication, eligible)} distinct live nodes with room.
   *
   * @throws MetadataException UNAVAILABLE if fewer than minReplicas nodes are eligible
   */
  public List<NodeAddress> choosePipeline(int replication, List<String> exclude) {
    return state.write(() -> {
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
    });
  }

  /**
   * Start-up: {@code releasedByReplay} are handles of files deleted or replaced in the replayed
   * log (garbage at once); any other unreferenced handle up to {@code reservedUpTo} may belong to
   * a write an earlier incarnation allocated and is protected like a pending allocation.
   */
  public void inherit(long reservedUpTo, long[] releasedByReplay) {
    state.write(() -> {
      long now = now();
      garbage.inheritAllocations(reservedUpTo, now);
      for (long h : releasedByReplay) {
        if (!namespace.isReferenced(h)) {
          garbage.garbage(h, now);
        }
      }
    });
  }

  /**
   * Protects a freshly allocated handle from garbage collection while it is written: it is held
   * under {@code clientId}'s write lease, which this renews.
   */
  public void allocated(String clientId, long handle) {
    allocated(clientId, handle, List.of());
  }

  /**
   * {@link #allocated(String, long)} of a handle written down {@code pipeline}: a node of it that
   * began decommissioning after the pipeline was chosen awaits the write before it is done.
   */
  public void allocated(String clientId, long handle, List<NodeAddress> pipeline) {
    state.write(() -> {
      garbage.allocated(clientId, handle, now());
      for (NodeAddress a : pipeline) {
        ChunkserverNode n = registry.get(a.id());
        if (n != null && n.decommissioning()) {
          n.decommission().awaitWrite(handle, now() + DecommissionTask.WRITE_WAIT_MILLIS);
        }
      }
    });
  }

  /**
   * A lease renewal (see {@link GarbageTracker#renew}): renews {@code clientId}'s lease, re-learns
   * the uncommitted handles it lists, and returns those the master no longer keeps for it.
   */
  public List<Long> renewLease(String clientId, List<Long> handles) {
    return state.write(() -> {
      return garbage.renew(clientId, handles, h -> namespace.isReferenced(h), now());
    });
  }

  /** How long a write lease lasts unrenewed. */
  public Duration leaseTimeout() {
    return settings.leaseTimeout();
  }

  /**
   * Whether every replica a commit by {@code clientId} names is confirmed by its chunkserver's
   * report; if not, a future that completes (normally) when reports confirm them all, or, after
   * {@link #ALL_NAMED_WAIT}, as soon as the minimum is confirmed, or after {@code wait}, whichever
   * is first: the caller then commits with {@link #confirm}, which has the final word. Waiting for
   * every named replica first keeps the contract's promise that a healthy cluster's put returns with
   * the file at its full replication. Never blocks. Renews the client's lease.
   *
   * @throws MetadataException LEASE_EXPIRED if a chunk's writer let its lease expire
   */
  public CompletableFuture<Void> awaitConfirmed(String clientId, String path,
      List<CommitChunk> chunks, int replication, Duration wait) {
    return state.write(() -> {
      long now = now();
      garbage.touch(clientId, now);
      int need = confirmations.needed(replication);
      java.util.function.ToIntFunction<CommitChunk> named = this::liveNamed;
      List<CommitChunk> unconfirmed = new ArrayList<>();
      for (CommitChunk c : chunks) {
        if (confirmations.ordinals(path, c, now).size() < Math.max(need, liveNamed(c))) {
          unconfirmed.add(c);
        }
      }
      return unconfirmed.isEmpty() ? CompletableFuture.completedFuture(null)
          : waiters.add(path, unconfirmed, named, need,
              now + Math.min(ALL_NAMED_WAIT.toMillis(), wait.toMillis()), now + wait.toMillis());
    });
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
  /** How long a commit waits for every replica it names before the minimum is enough. */
  static final Duration ALL_NAMED_WAIT = Duration.ofSeconds(1);

  /** Distinct live chunkservers a commit names for {@code c}. Under the metadata lock. */
  private int liveNamed(CommitChunk c) {
    int n = 0;
    for (String id : new java.util.LinkedHashSet<>(c.replicaIds())) {
      ChunkserverNode node = registry.get(id);
      if (node != null && node.isLive()) {
        n++;
      }
    }
    return n;
  }

  public List<String> confirm(String path, CommitChunk c, int replication) {
    return state.read(() -> {
      List<Integer> ordinals = confirmations.ordinals(path, c, now());
      int need = confirmations.needed(replication);
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
    });
  }

  /**
   * Records chunk {@code c} as committed: its locations are the replicas chunkservers reported
   * with its content ({@link #confirm}), in that order, the pipeline's head first. It is the one
   * replica kept in its chunkserver's page cache (the others are written around it), so readers,
   * who try the first location first, find the chunk in memory.
   */
  public void committed(String path, CommitChunk c) {
    state.write(() -> {
      List<Integer> ordinals = garbage.standing(c.handle(), now())
          == GarbageTracker.Standing.PROTECTED ? confirmations.ordinals(path, c, now()) : List.of();
      garbage.committed(c.handle());
      for (int o : ordinals) {
        if (replicas.add(c.handle(), o)) {
          registry.byOrdinal(o).chunkAdded();
        }
      }
      scheduler.check(c.handle());
    });
  }

  /** Ends the waits for reports that have run out (called periodically). */
  public void expireCommitWaits() {
    List<CompletableFuture<Void>> due = state.write(() -> {
      long now = now();
      return waiters.due(now, (path, c) -> confirmations.count(path, c, now));
    });
    due.forEach(f -> f.complete(null));
  }

  /** Chunks no file references any more, as (handle, version) pairs: delete every replica. */
  public void garbage(long[] pairs) {
    if (pairs.length == 0) {
      return;
    }
    state.write(() -> {
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
    });
  }

  /**
   * An operator releases (carries out) or discards (keeps the replicas of) the held deletions of
   * {@code node} (an id or host:port; empty for every node).
   *
   * @return how many replicas were acted on
   * @throws MetadataException NOT_FOUND if no chunkserver is called {@code node}
   */
  public long actOnHeldDeletions(boolean release, String node) {
    return state.write(() -> {
      java.util.function.IntPredicate select;
      if (node.isEmpty()) {
        select = o -> true;
      } else {
        int ordinal = registered(node).ordinal();
        select = o -> o == ordinal;
      }
      long n = deletions.take(select, (ordinal, handle, version) -> {
        ChunkserverNode holder = registry.byOrdinal(ordinal);
        if (!release) {
          garbage.keep(handle, ordinal);
        } else if (!namespace.isReferenced(handle) && holder.isLive()) {
          holder.enqueue(new ChunkCommand(ChunkCommand.Kind.DELETE, handle, version, null));
        }
      });
      log.warn("{}: an operator {} {} held replica deletions{}", nodeId,
          release ? "released" : "discarded", n, node.isEmpty() ? "" : " on " + node);
      return n;
    });
  }

  /**
   * The registered chunkserver whose id or {@code host:port} is {@code node}. Under the lock.
   *
   * @throws MetadataException NOT_FOUND if there is none
   */
  private ChunkserverNode registered(String node) {
    ChunkserverNode n = registry.find(node);
    if (n == null) {
      throw notFound(node);
    }
    return n;
  }

  private static MetadataException notFound(String node) {
    return new MetadataException(Status.NOT_FOUND, "no chunkserver '" + node
        + "' (expected a node id or host:port from 'granary cluster')");
  }

  // ------------------------------------------------------------------ decommissioning

  /**
   * The id of the chunkserver an operator names: a registered node's id or {@code host:port}, or
   * the id of a node being decommissioned that has not registered since the master started.
   *
   * @throws MetadataException NOT_FOUND if it is none of those
   */
  public String resolveNode(String node) {
    return state.read(() -> {
      ChunkserverNode n = registry.find(node);
      if (n != null) {
        return n.id();
      }
      if (decommissions.intended(node)) {
        return node;
      }
      throw notFound(node);
    });
  }

  /** Whether an operator's request to decommission node {@code id} is in force. */
  public boolean decommissionIntended(String id) {
    return state.read(() -> decommissions.intended(id));
  }

  /**
   * Brings every node in step with the decommission intents in the image (after an operator's
   * request is durable) and checks the progress of any that just started.
   */
  public void syncDecommissions() {
    state.write(() -> {
      decommissions.syncAll(now());
      if (locations.complete()) { // nothing is judged on partial reports
        decommissions.run(now());
      }
    });
  }

  /** Node {@code id} as {@code cluster} shows it (one never registered: state DEAD, no address). */
  public NodeStatus nodeStatus(String id) {
    return state.read(() -> {
      ChunkserverNode n = registry.get(id);
      if (n == null) {
        return new NodeStatus(id, "", 0, NodeState.DEAD.name(), 0, 0, 0, 0, 0, 0,
            decommissions.since(id), 0);
      }
      return status(n, now());
    });
  }

  private static NodeStatus status(ChunkserverNode n, long now) {
    DecommissionProgress d = n.decommission();
    return new NodeStatus(n.id(), n.host(), n.port(), n.state().name(), n.used(), n.capacity(),
        n.free(), n.chunks(), Math.max(0, now - n.lastPulseMillis()), n.copiesInFlight(),
        d == null ? 0 : d.sinceMillis(), d == null ? 0 : d.replicasLeft());
  }

  // ------------------------------------------------------------------ queries

  /** Whether reports cover the namespace since start-up (see class comment). */
  public boolean locationsComplete() {
    return locations.complete();
  }

  /**
   * Live replicas of {@code handle}, for readers, who try them in order: those on nodes in service
   * first (the pipeline's head first), then those on nodes being decommissioned, which still serve
   * reads but will be switched off.
   */
  public List<NodeAddress> liveLocations(long handle) {
    return state.read(() -> {
      int[] holders = replicas.holders(handle);
      List<NodeAddress> out = new ArrayList<>(holders.length);
      List<NodeAddress> leaving = null;
      for (int o : holders) {
        ChunkserverNode n = registry.byOrdinal(o);
        if (n.inService()) {
          out.add(n.address());
        } else if (n.isLive()) {
          leaving = leaving == null ? new ArrayList<>(1) : leaving;
          leaving.add(n.address());
        }
      }
      if (leaving != null) {
        out.addAll(leaving);
      }
      return out;
    });
  }

  public ClusterStatusResponse clusterStatus(String masterId, String clusterId,
      long uptimeMillis) {
    return state.read(() -> {
      long now = now();
      List<NodeStatus> nodes = new ArrayList<>();
      for (ChunkserverNode n : registry.all()) {
        nodes.add(status(n, now));
      }
      // The tick keeps this summary current; no scan of the namespace per request.
      HealthScanner.Health h = healthSummary.current();
      return new ClusterStatusResponse(masterId, nodes, namespace.fileCount(),
          namespace.directoryCount(), namespace.chunkCount(), h.underReplicated(),
          h.overReplicated(), h.missing(), h.corrupt(), scheduler.queueSize(),
          scheduler.inFlight(), locations.complete(), uptimeMillis, clusterId,
          deletions.heldCount());
    });
  }

  /** Every chunkserver's traffic counters as of its last pulse, by node id (for metrics). */
  public Map<String, Traffic> traffic() {
    return state.read(() -> {
      Map<String, Traffic> out = new java.util.LinkedHashMap<>();
      for (ChunkserverNode n : registry.all()) {
        out.put(n.id(), n.traffic());
      }
      return out;
    });
  }

  public FsckResponse fsck(String path) {
    return state.read(() -> {
      HealthScanner.Health h = health.scan(path);
      boolean locationsComplete = locations.complete();
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
    });
  }

  /** Re-replication queue in scheduling order (for tests and diagnostics). */
  public List<Long> replicationQueue() {
    return state.read(() -> {
      return scheduler.queueInPriorityOrder();
    });
  }

  /**
   * Re-replication's progress, for metrics and the dashboard.
   *
   * @param runningMillis how long the repair under way has run (since a chunkserver was declared
   *     DEAD), or -1 if none is
   * @param lastMillis how long the last finished repair took, or -1 if none finished since start
   * @param queued chunks waiting for a copy
   * @param inFlight copies handed out and not yet done
   */
  public record RepairStatus(long runningMillis, long lastMillis, int queued, int inFlight) {}

  /** Re-replication's progress now. */
  public RepairStatus repairStatus() {
    return state.read(() -> {
      long started = scheduler.repairStartedMillis();
      return new RepairStatus(started < 0 ? -1 : Ticks.millis(ticker) - started,
          scheduler.lastRepairMillis(), scheduler.queueSize(), scheduler.inFlight());
    });
  }

  /**
   * The balance of the chunkservers' disk usage; with {@code start}, a balancing pass begins now
   * with {@code thresholdPct} percentage points (0: the configured threshold). The caller checks
   * that only the superuser starts one.
   */
  public BalanceResponse balance(int thresholdPct, boolean start) {
    return state.write(() -> {
      if (start) {
        balancer.startPass(thresholdPct);
        if (locations.complete()) {
          balancer.run(now());
        }
      }
      return balancer.status();
    });
  }

  /** A node's state, or null (for tests and diagnostics). */
  public ChunkserverNode node(String id) {
    return state.read(() -> {
      return registry.get(id);
    });
  }

  /** Ids of the nodes holding {@code handle} (live or not). */
  public List<String> holders(long handle) {
    return state.read(() -> {
      List<String> out = new ArrayList<>();
      for (int o : replicas.holders(handle)) {
        out.add(registry.byOrdinal(o).id());
      }
      return out;
    });
  }
}
