package dev.granary.master.replication;

import com.google.common.base.Ticker;
import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.liveness.Traffic;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.state.MasterState;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AwaitCommandsRequest;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.CommandResultRequest;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of the chunkserver protocol (GFS §2.6.2, §4.5): registration, pulses (space,
 * liveness, commands handed out), replica reports, command results and bad-replica reports. Each
 * message is one method; each runs its whole step under {@link MasterState#write}.
 */
public final class ChunkserverProtocol {
  private static final Logger log = LoggerFactory.getLogger(ChunkserverProtocol.class);
  private static final int MAX_COMMANDS_PER_PULSE = 512;
  /** The longest the master holds an AWAIT_COMMANDS request, whatever the node asks. */
  public static final int MAX_AWAIT_MILLIS = 30_000;
  private final String nodeId;
  private final Namespace namespace;
  private final Ticker ticker;
  private final MasterState state;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final SuspectReplicas suspects;
  private final Set<Long> corrupt;
  private final GarbageTracker garbage;
  private final ReplicationScheduler scheduler;
  private final ReportReconciler reconciler;
  private final BadReplicaReports badReports;
  private final ReportWaiters waiters;
  private final CommitConfirmations confirmations;
  private final LocationsTask locations;
  private final DecommissionTask decommissions;
  private final Balancer balancer;

  ChunkserverProtocol(String nodeId, Namespace namespace, Ticker ticker,
      MasterState state, NodeRegistry registry, ReplicaMap replicas,
      SuspectReplicas suspects, Set<Long> corrupt, GarbageTracker garbage,
      ReplicationScheduler scheduler, ReportReconciler reconciler, BadReplicaReports badReports,
      ReportWaiters waiters, CommitConfirmations confirmations, LocationsTask locations,
      DecommissionTask decommissions, Balancer balancer) {
    this.nodeId = nodeId;
    this.namespace = namespace;
    this.ticker = ticker;
    this.state = state;
    this.registry = registry;
    this.replicas = replicas;
    this.suspects = suspects;
    this.corrupt = corrupt;
    this.garbage = garbage;
    this.scheduler = scheduler;
    this.reconciler = reconciler;
    this.badReports = badReports;
    this.waiters = waiters;
    this.confirmations = confirmations;
    this.locations = locations;
    this.decommissions = decommissions;
    this.balancer = balancer;
  }

  /**
   * Registers (or re-registers) a chunkserver seen at {@code observedHost}; one an operator is
   * decommissioning stays so.
   */
  public void register(RegisterRequest r, String observedHost) {
    state.write(() -> {
      long now = Ticks.millis(ticker);
      ChunkserverNode n = registry.register(r.nodeId(), observedHost, r.port(),
          r.capacityBytes(), r.usedBytes(), r.freeBytes(), now);
      decommissions.sync(n, now);
      log.info("{}: chunkserver {} registered from {}:{} (capacity {} bytes, free {}){}", nodeId,
          r.nodeId(), observedHost, r.port(), r.capacityBytes(), r.freeBytes(),
          n.decommissioning() ? "; it is being decommissioned" : "");
    });
  }

  /**
   * A pulse: updates space and liveness and hands out queued commands.
   *
   * @throws MetadataException NOT_REGISTERED for an unknown or DEAD node (it must re-register)
   */
  public PulseResponse pulse(PulseRequest p) {
    return state.write(() -> {
      ChunkserverNode n = registered(p.nodeId());
      n.pulsed(p.capacityBytes(), p.usedBytes(), p.freeBytes(), Ticks.millis(ticker));
      n.counted(new Traffic(p.bytesRead(), p.bytesWritten(), p.corruptReplicasFound()));
      return new PulseResponse(n.drainCommands(MAX_COMMANDS_PER_PULSE));
    });
  }

  /**
   * A long poll for commands: answered at once when commands are queued for the node, else when
   * one is queued, the node registers again or is declared dead, another poll of the node replaces
   * this one, or {@code waitMillis} (at most {@link #MAX_AWAIT_MILLIS}) pass. The answer is built
   * on {@code answerOn}, never on the thread that queued the command (it holds the lock).
   *
   * @throws MetadataException NOT_REGISTERED for an unknown or DEAD node (also when the wait
   *     ends because the node was declared dead)
   */
  public CompletableFuture<PulseResponse> awaitCommands(AwaitCommandsRequest r, Executor answerOn) {
    long wait = Math.min(r.waitMillis(), MAX_AWAIT_MILLIS);
    CompletableFuture<Void> rung = new CompletableFuture<>();
    // Completing only submits the async answer below, so it may run under the lock.
    Runnable ring = () -> rung.complete(null);
    PulseResponse now = state.write(() -> {
      ChunkserverNode n = registered(r.nodeId());
      if (n.queuedCommands() > 0 || wait == 0) {
        return new PulseResponse(n.drainCommands(MAX_COMMANDS_PER_PULSE));
      }
      n.awaitCommands(ring);
      return null;
    });
    if (now != null) {
      return CompletableFuture.completedFuture(now);
    }
    rung.completeOnTimeout(null, wait, TimeUnit.MILLISECONDS);
    return rung.thenApplyAsync(v -> state.write(() -> {
      ChunkserverNode n = registered(r.nodeId());
      n.stopAwaiting(ring);
      return new PulseResponse(n.drainCommands(MAX_COMMANDS_PER_PULSE));
    }), answerOn);
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
    List<CompletableFuture<Void>> ready = state.write(() -> {
      ChunkserverNode n = registered(r.nodeId());
      long now = Ticks.millis(ticker);
      if (r.full() && r.part() == 0) {
        // What the node held before may be gone (a wiped disk): only this report's content counts.
        garbage.unconfirmAll(n.ordinal());
      }
      for (ReplicaInfo info : r.replicas()) {
        if (!namespace.isReferenced(info.handle())) {
          garbage.replicaReported(info.handle(), n.ordinal(), info, now);
        }
      }
      reconciler.report(n, r, now);
      return waiters.isEmpty() ? List.<CompletableFuture<Void>>of()
          : waiters.ready(r.replicas(), (path, c) -> confirmations.count(path, c, now));
    });
    ready.forEach(f -> f.complete(null));
  }

  /**
   * The outcome of a command: frees copy slots; a failed copy is retried elsewhere. The answer
   * carries the node's queued commands, as a pulse's does: a finished copy frees slots, so the
   * copies they allow are scheduled at once and the node that reported takes its next ones now,
   * not at its next pulse. (Paced by pulses alone, re-replication ran at about one copy per node
   * per pulse: 3.4 replicas/s for 1 MiB chunks, whatever the disks could do.)
   *
   * @throws MetadataException NOT_REGISTERED for an unknown or DEAD node
   */
  public PulseResponse commandResult(CommandResultRequest r) {
    return state.write(() -> {
      ChunkserverNode n = registered(r.nodeId());
      ChunkCommand c = r.command();
      if (c.kind() == ChunkCommand.Kind.COPY) {
        scheduler.onCopyResult(n, c, r.ok(), r.message());
        // As the tick does: nothing is copied on partial location reports.
        if (locations.complete()) {
          long now = Ticks.millis(ticker);
          scheduler.schedule(now);
          balancer.run(now);
        }
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
      return new PulseResponse(n.drainCommands(MAX_COMMANDS_PER_PULSE));
    });
  }

  /**
   * A replica was reported to fail its checksums. From its holder ({@code fromHolder}: the
   * scrubber, a verification or a copy found it, and the holder has quarantined it) the report
   * is a fact: the location goes and the chunk is re-replicated. From anyone else (a reader) it is
   * a claim: the holder is asked to verify the replica and nothing is removed on the claim alone;
   * such claims are rate limited per {@code reporter}.
   */
  public void reportBad(ReportBadReplicaRequest r, boolean fromHolder, String reporter) {
    state.write(() -> {
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
        if (namespace.isReferenced(r.handle())) {
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
      switch (badReports.admit(reporter, r.handle(), n.ordinal(), Ticks.millis(ticker))) {
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
    });
  }
}
