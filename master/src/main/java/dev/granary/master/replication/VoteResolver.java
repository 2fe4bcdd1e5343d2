package dev.granary.master.replication;

import dev.granary.master.liveness.ChunkserverNode;
import dev.granary.master.liveness.NodeRegistry;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.voting.MajorityVote;
import dev.granary.wire.ChunkHandles;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the majority vote for chunks whose live replicas disagree, and carries out the decision:
 * losing replicas are deleted and the chunk is queued for re-replication; if the winner differs
 * from the recorded content, the record follows the majority (logged). Each decision is logged at
 * INFO and counted for fsck. Guarded by the master's metadata lock.
 */
final class VoteResolver {
  private static final Logger log = LoggerFactory.getLogger(VoteResolver.class);

  private final String nodeId;
  private final Namespace namespace;
  private final NodeRegistry registry;
  private final ReplicaMap replicas;
  private final SuspectReplicas suspects;
  private final ReplicationScheduler scheduler;
  private final Set<Long> corrupt;
  private final DigestLog digestLog;
  private final DeletionGuard deletions;
  private long decisions;

  VoteResolver(String nodeId, Namespace namespace, NodeRegistry registry, ReplicaMap replicas,
      SuspectReplicas suspects, ReplicationScheduler scheduler, Set<Long> corrupt,
      DigestLog digestLog, DeletionGuard deletions) {
    this.deletions = deletions;
    this.nodeId = nodeId;
    this.namespace = namespace;
    this.registry = registry;
    this.replicas = replicas;
    this.suspects = suspects;
    this.scheduler = scheduler;
    this.corrupt = corrupt;
    this.digestLog = digestLog;
  }

  long decisions() {
    return decisions;
  }

  /** Decides every chunk waiting for a vote. */
  void resolveAll() {
    for (Iterator<Long> it = suspects.needingVote().iterator(); it.hasNext(); ) {
      long handle = it.next();
      it.remove();
      resolve(handle);
    }
  }

  private void resolve(long handle) {
    ChunkRecord c = namespace.chunk(handle);
    if (c == null) {
      suspects.forget(handle);
      return;
    }
    MajorityVote.Content recorded = new MajorityVote.Content(c.length(), c.digest());
    List<ChunkserverNode> voters = new ArrayList<>();
    List<MajorityVote.Content> votes = new ArrayList<>();
    for (int o : replicas.holders(handle)) {
      ChunkserverNode n = registry.byOrdinal(o);
      if (n.isLive()) {
        voters.add(n);
        votes.add(recorded);
      }
    }
    for (Map.Entry<Integer, MajorityVote.Content> e : Map.copyOf(suspects.of(handle)).entrySet()) {
      ChunkserverNode n = registry.byOrdinal(e.getKey());
      if (n.isLive()) {
        voters.add(n);
        votes.add(e.getValue());
      } else {
        suspects.remove(handle, e.getKey());
      }
    }
    if (!suspects.has(handle)) {
      return;
    }
    MajorityVote.Decision d = MajorityVote.decide(votes, recorded);
    decisions++;
    if (!d.decided()) {
      corrupt.add(handle);
      log.warn("{}: vote on chunk {}: {} replicas, no strict majority and none matches the "
          + "committed digest; keeping all of them", nodeId, ChunkHandles.format(handle),
          votes.size());
      return;
    }
    if (!d.winner().equals(recorded)) {
      digestLog.record(handle, d.winner().length(), d.winner().digest());
    }
    List<String> losers = new ArrayList<>();
    for (int i = 0; i < voters.size(); i++) {
      ChunkserverNode n = voters.get(i);
      if (votes.get(i).equals(d.winner())) {
        if (replicas.add(handle, n.ordinal())) {
          n.chunkAdded();
        }
        suspects.remove(handle, n.ordinal());
      } else {
        if (replicas.remove(handle, n.ordinal())) {
          n.chunkRemoved();
        }
        suspects.remove(handle, n.ordinal());
        // Out of the locations now; off the disk once the chunk is back at its goal (GFS §5.2).
        deletions.deferDelete(handle, n.ordinal(), c.version());
        losers.add(n.id());
      }
    }
    if (!losers.isEmpty()) {
      corrupt.add(handle);
    }
    log.info("{}: vote on chunk {} of {} replicas: {} wins ({}); replacing {} (deleted once "
        + "the chunk is back at its goal)",
        nodeId, ChunkHandles.format(handle), votes.size(),
        Long.toHexString(d.winner().digest()),
        d.strictMajority() ? "strict majority" : "no majority, committed digest decides",
        losers.isEmpty() ? "nothing" : losers);
    scheduler.check(handle);
  }
}
