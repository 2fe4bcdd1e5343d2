package dev.granary.master.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.liveness.NodeState;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.placement.RoundRobinPlacement;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AwaitCommandsRequest;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.CommandResultRequest;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Liveness, re-replication, GC and voting on an injected ticker: no sleeps, no network. */
class ChunkManagerTest extends ChunkFixture {
  @Test
  void silentNodeIsDeadAfterDeadAfterAndMustReRegister() {
    register("n1", "n2");
    ticker.advance(Duration.ofSeconds(9));
    pulse("n2");
    tick.run();
    assertEquals(NodeState.LIVE, cm.node("n1").state());
    ticker.advance(Duration.ofSeconds(1));
    tick.run();
    assertEquals(NodeState.DEAD, cm.node("n1").state());
    assertEquals(NodeState.LIVE, cm.node("n2").state());
    MetadataException e = assertThrows(MetadataException.class, () -> pulse("n1"));
    assertEquals(Status.NOT_REGISTERED, e.status());
    assertEquals(Status.NOT_REGISTERED, assertThrows(MetadataException.class,
        () -> pulse("never")).status());
    register("n1");
    assertEquals(NodeState.LIVE, cm.node("n1").state());
  }

  @Test
  void pipelineNeedsMinReplicasLiveNodesWithRoom() {
    register("n1");
    MetadataException e = assertThrows(MetadataException.class,
        () -> cm.choosePipeline(3, List.of()));
    assertEquals(Status.UNAVAILABLE, e.status());
    assertTrue(e.getMessage().contains("only 1 live chunkservers with room"), e.getMessage());
    register("n2", "n3");
    assertEquals(3, cm.choosePipeline(3, List.of()).size());
    assertEquals(2, cm.choosePipeline(3, List.of("n1")).size());
    assertEquals("10.0.0.1", cm.choosePipeline(3, List.of()).get(0).host());
  }

  @Test
  void deadNodesChunksAreReReplicatedFewestLiveReplicasFirstWithBoundedSlots() {
    register("n1", "n2", "n3", "n4", "n5");
    file("/a", 1, 3, "n1", "n2", "n3");
    file("/b", 2, 3, "n2", "n3");
    file("/c", 3, 3, "n3", "n4", "n5");
    ticker.advance(Duration.ofSeconds(10));
    pulseAll("n1", "n2", "n4", "n5");
    tick.run();
    assertEquals(NodeState.DEAD, cm.node("n3").state());
    // With a copy slot per node, only some copies start; the chunk with one live replica first.
    List<ChunkCommand> copies = new ArrayList<>();
    for (String id : List.of("n1", "n2", "n4", "n5")) {
      for (ChunkCommand c : pulse(id)) {
        assertEquals(ChunkCommand.Kind.COPY, c.kind());
        copies.add(c);
      }
      assertTrue(cm.node(id).copiesInFlight() <= 1, id + " slots");
    }
    assertTrue(copies.stream().anyMatch(c -> c.handle() == 2), "b (1 live replica) copied first");
    assertEquals(2, copies.get(0).handle());
    for (ChunkCommand c : copies) {
      assertFalse(cm.holders(c.handle()).contains(c.target().id()), "target is a new node");
    }
    // Targets report their new replicas; slots free up and the rest is scheduled.
    for (int round = 0; round < 10 && !cm.replicationQueue().isEmpty(); round++) {
      for (ChunkCommand c : copies) {
        report(c.target().id(), c.handle(), 1, LENGTH, DIGEST);
      }
      tick.run();
      copies.clear();
      for (String id : List.of("n1", "n2", "n4", "n5")) {
        copies.addAll(pulse(id));
      }
    }
    for (ChunkCommand c : copies) {
      report(c.target().id(), c.handle(), 1, LENGTH, DIGEST);
    }
    tick.run();
    FsckResponse f = cm.fsck("/");
    assertEquals(3, f.healthy(), f.problems().toString());
    assertEquals("HEALTHY", f.status());
  }

  @Test
  void queueOrderIsFewestLiveReplicasFirst() {
    register("n1", "n2", "n3", "n4");
    file("/two", 10, 3, "n1", "n2");
    file("/one", 11, 3, "n1");
    file("/full", 12, 2, "n1", "n2");
    assertEquals(List.of(11L, 10L), cm.replicationQueue());
  }

  @Test
  void failedAndTimedOutCopiesAreRetried() {
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2");
    tick.run();
    ChunkCommand first = firstCopy();
    List<ChunkCommand> answer = protocol.commandResult(
        new CommandResultRequest(sourceOf(first), first, false, "disk full")).commands();
    assertEquals(0, cm.node(first.target().id()).copiesInFlight());
    // The retry is scheduled at once: in the failed copy's answer if its source copies again,
    // else at the other source's next pulse.
    ChunkCommand second = answer.stream().filter(c -> c.kind() == ChunkCommand.Kind.COPY)
        .findFirst().orElseGet(this::firstCopy);
    assertNotEquals(first.target().id(), second.target().id(), "another target");
    ticker.advance(Duration.ofSeconds(31));
    pulseAll("n1", "n2", "n3", "n4");
    tick.run();
    ChunkCommand third = firstCopy();
    assertEquals(1, third.handle());
  }

  @Test
  void aFinishedCopysAnswerCarriesTheSourcesNextCopy() {
    register("n1", "n2", "n3", "n4");
    // Four chunks on n1 alone, goal 2: n1 can be the source of only maxCopiesPerNode at a time.
    for (long h = 1; h <= 4; h++) {
      file("/f" + h, h, 2, "n1");
    }
    tick.run();
    List<ChunkCommand> started = pulse("n1");
    assertEquals(settings.maxCopiesPerNode(), started.size(), started.toString());
    ChunkCommand done = started.get(0);
    report(done.target().id(), done.handle(), 1, LENGTH, DIGEST);
    List<ChunkCommand> next = protocol.commandResult(
        new CommandResultRequest("n1", done, true, "")).commands();
    assertEquals(1, next.size(), "the next copy, without waiting for a tick or a pulse: " + next);
    assertEquals(ChunkCommand.Kind.COPY, next.get(0).kind());
    assertNotEquals(done.handle(), next.get(0).handle());
  }

  @Test
  void aHeldRequestForCommandsIsAnsweredWhenACopyIsScheduled() throws Exception {
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2");
    // Nothing queued yet for n1: the request is held (a direct executor answers on this thread).
    CompletableFuture<PulseResponse> held =
        protocol.awaitCommands(new AwaitCommandsRequest("n1", 60_000), Runnable::run);
    CompletableFuture<PulseResponse> other =
        protocol.awaitCommands(new AwaitCommandsRequest("n3", 60_000), Runnable::run);
    assertFalse(held.isDone());
    tick.run(); // schedules the copy of chunk 1 from n1 or n2 to n3 or n4
    List<ChunkCommand> copies = new ArrayList<>();
    for (CompletableFuture<PulseResponse> f : List.of(held, other)) {
      if (f.isDone()) {
        copies.addAll(f.get().commands());
      }
    }
    copies.addAll(pulse("n2"));
    assertEquals(1, copies.size(), "exactly one copy, delivered once: " + copies);
    assertEquals(ChunkCommand.Kind.COPY, copies.get(0).kind());
    if (!held.isDone()) {
      // n2 was the source: n1's request is answered (empty) when the node is declared dead.
      ticker.advance(Duration.ofSeconds(11));
      pulseAll("n2", "n3", "n4");
      tick.run();
      ExecutionException e = assertThrows(ExecutionException.class, held::get);
      assertTrue(e.getCause().getMessage().contains("not registered"), e.toString());
    }
  }

  @Test
  void aSecondRequestForCommandsAnswersTheFirstAndQueuedCommandsGoAtOnce() throws Exception {
    register("n1", "n2", "n3");
    CompletableFuture<PulseResponse> first =
        protocol.awaitCommands(new AwaitCommandsRequest("n1", 60_000), Runnable::run);
    CompletableFuture<PulseResponse> second =
        protocol.awaitCommands(new AwaitCommandsRequest("n1", 60_000), Runnable::run);
    assertTrue(first.isDone());
    assertEquals(List.of(), first.get().commands());
    assertFalse(second.isDone());
    CompletableFuture<PulseResponse> timed =
        protocol.awaitCommands(new AwaitCommandsRequest("n2", 1), Runnable::run);
    assertEquals(List.of(), timed.get(10, TimeUnit.SECONDS).commands(), "the wait ends");
    MetadataException e = assertThrows(MetadataException.class, () -> protocol
        .awaitCommands(new AwaitCommandsRequest("nobody", 1), Runnable::run));
    assertEquals(Status.NOT_REGISTERED, e.status());
  }

  @Test
  void aNodeTakesCopiesOfSmallChunksUpToItsCountLimit() {
    build(32);
    register("n1", "n2", "n3", "n4");
    for (long h = 1; h <= 40; h++) {
      file("/small" + h, h, 2, "n1");
    }
    tick.run();
    assertEquals(32, pulse("n1").size(), "small chunks: the count limit");
    assertEquals(32, cm.node("n1").copiesInFlight());
    assertEquals(8, cm.replicationQueue().size());
  }

  @Test
  void aNodeTakesCopiesOfBigChunksUpToItsByteLimit() {
    build(32);
    register("n1", "n2", "n3", "n4");
    for (long h = 100; h < 112; h++) {
      file("/big" + h, h, 64L << 20, 2, "n2");
    }
    tick.run();
    List<ChunkCommand> big = pulse("n2");
    // 512 MiB of copies a node at once: eight 64 MiB chunks, though the count allows 32.
    assertEquals(ReplicationScheduler.MAX_COPY_BYTES_PER_NODE / (64L << 20), big.size(),
        big.toString());
    assertEquals(ReplicationScheduler.MAX_COPY_BYTES_PER_NODE,
        cm.node("n2").copyBytesInFlight());
  }

  @Test
  void theLastRepairIsTimedFromDeadUntilEveryChunkIsBackAtItsGoal() {
    build(32);
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2", "n3");
    file("/b", 2, 3, "n1", "n2", "n3");
    assertEquals(-1, cm.repairStatus().lastMillis());
    ticker.advance(Duration.ofSeconds(10));
    pulseAll("n1", "n2", "n4");
    tick.run();
    assertEquals(NodeState.DEAD, cm.node("n3").state());
    assertEquals(0, cm.repairStatus().runningMillis());
    Map<ChunkCommand, String> sources = new LinkedHashMap<>();
    for (String id : List.of("n1", "n2")) {
      pulse(id).forEach(c -> sources.put(c, id));
    }
    List<ChunkCommand> copies = new ArrayList<>(sources.keySet());
    assertEquals(2, copies.size(), copies.toString());
    ticker.advance(Duration.ofMillis(1500));
    ChunkCommand first = copies.get(0);
    report(first.target().id(), first.handle(), 1, LENGTH, DIGEST);
    protocol.commandResult(new CommandResultRequest(sources.get(first), first, true, ""));
    assertEquals(-1, cm.repairStatus().lastMillis(), "one chunk still below its goal");
    assertEquals(1500, cm.repairStatus().runningMillis());
    ticker.advance(Duration.ofMillis(500));
    ChunkCommand second = copies.get(1);
    report(second.target().id(), second.handle(), 1, LENGTH, DIGEST);
    protocol.commandResult(new CommandResultRequest(sources.get(second), second, true, ""));
    ChunkManager.RepairStatus r = cm.repairStatus();
    assertEquals(2000, r.lastMillis());
    assertEquals(-1, r.runningMillis());
    assertEquals(0, r.queued());
    assertEquals(0, r.inFlight());
  }

  @Test
  void theBalancerMovesReplicasToAnEmptyNodeWithoutEverLeavingAChunkBelowItsGoal() {
    build(32);
    register("n1", "n2", "n3");
    for (long h = 1; h <= 20; h++) {
      file("/f" + h, h, 3, "n1", "n2", "n3");
    }
    register("n4");
    long cap = 100 * LENGTH;
    for (String id : List.of("n1", "n2", "n3")) {
      protocol.pulse(new PulseRequest(id, cap, 20 * LENGTH, cap - 20 * LENGTH, 0));
    }
    protocol.pulse(new PulseRequest("n4", cap, 0, cap, 0));
    assertFalse(cm.balance(0, false).balanced(), "n4 empty, the others 20% used");
    tick.run();
    Map<ChunkCommand, String> moves = new LinkedHashMap<>();
    for (String id : List.of("n1", "n2", "n3")) {
      pulse(id).forEach(c -> moves.put(c, id));
    }
    // The mean is 15%: n4 needs 15 points (15 chunks); each source gives until it is at 15%.
    assertEquals(15, moves.size(), moves.toString());
    Map<String, Integer> deletes = new HashMap<>();
    for (Map.Entry<ChunkCommand, String> m : moves.entrySet()) {
      ChunkCommand c = m.getKey();
      assertEquals(ChunkCommand.Kind.COPY, c.kind());
      assertEquals("n4", c.target().id());
      assertEquals(3, cm.holders(c.handle()).size(), "the source keeps its replica meanwhile");
      report("n4", c.handle(), 1, LENGTH, DIGEST);
      // The source's DELETE comes in the answer to its result (or at its next pulse).
      protocol.commandResult(new CommandResultRequest(m.getValue(), c, true, "")).commands()
          .forEach(d -> deletes.merge(m.getValue(),
              d.kind() == ChunkCommand.Kind.DELETE ? 1 : 0, Integer::sum));
      List<String> holders = cm.holders(c.handle());
      assertEquals(3, holders.size(), "moved, not lost or doubled: " + holders);
      assertTrue(holders.contains("n4") && !holders.contains(m.getValue()), holders.toString());
    }
    for (String id : List.of("n1", "n2", "n3")) {
      pulse(id).forEach(d -> deletes.merge(id, d.kind() == ChunkCommand.Kind.DELETE ? 1 : 0,
          Integer::sum));
      assertEquals(5, deletes.get(id), id + " drops the replicas it gave");
    }
    assertEquals(15 * LENGTH, cm.balance(0, false).bytesMoved());
    assertEquals("HEALTHY", cm.fsck("/").status());
  }

  @Test
  void theBalancerWaitsWhileAnyChunkIsBelowItsGoal() {
    build(32);
    register("n1", "n2", "n3");
    file("/short", 1, 3, "n1", "n2"); // one replica short
    for (long h = 2; h <= 20; h++) {
      file("/f" + h, h, 2, "n1", "n2");
    }
    register("n4");
    long cap = 100 * LENGTH;
    protocol.pulse(new PulseRequest("n1", cap, 20 * LENGTH, cap, 0));
    protocol.pulse(new PulseRequest("n2", cap, 20 * LENGTH, cap, 0));
    protocol.pulse(new PulseRequest("n3", cap, 0, cap, 0));
    protocol.pulse(new PulseRequest("n4", cap, 0, cap, 0));
    tick.run();
    cm.balance(0, true);
    List<ChunkCommand> copies = new ArrayList<>();
    for (String id : List.of("n1", "n2")) {
      copies.addAll(pulse(id));
    }
    assertEquals(List.of(1L), copies.stream().map(ChunkCommand::handle).toList(),
        "only the repair; no move while a chunk is below its goal");
  }

  @Test
  void aCopysResultBeforeTheTargetsReportDoesNotCopyAgain() {
    build(32);
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2");
    tick.run();
    Map<ChunkCommand, String> sources = new LinkedHashMap<>();
    for (String id : List.of("n1", "n2")) {
      pulse(id).forEach(c -> sources.put(c, id));
    }
    assertEquals(1, sources.size(), sources.toString());
    ChunkCommand copy = sources.keySet().iterator().next();
    String source = sources.get(copy);
    // The source's result overtakes the target's report (they come on different connections).
    List<ChunkCommand> answer = protocol.commandResult(
        new CommandResultRequest(source, copy, true, "")).commands();
    tick.run();
    List<ChunkCommand> more = new ArrayList<>(answer);
    for (String id : List.of("n1", "n2", "n3", "n4")) {
      more.addAll(pulse(id));
    }
    assertTrue(more.stream().noneMatch(c -> c.kind() == ChunkCommand.Kind.COPY),
        "copied again before the target's report: " + more);
    assertEquals(0, cm.node(source).copiesInFlight(), "the source's slot is free");
    assertEquals(1, cm.node(copy.target().id()).copiesInFlight(), "the target's is held");
    report(copy.target().id(), 1, 1, LENGTH, DIGEST);
    tick.run();
    assertEquals(0, cm.node(copy.target().id()).copiesInFlight());
    assertEquals(0, cm.repairStatus().inFlight());
    assertEquals("HEALTHY", cm.fsck("/").status());
  }

  private String lastSource;

  private ChunkCommand firstCopy() {
    for (String id : List.of("n1", "n2", "n3", "n4")) {
      for (ChunkCommand c : pulse(id)) {
        if (c.kind() == ChunkCommand.Kind.COPY) {
          lastSource = id;
          return c;
        }
      }
    }
    throw new AssertionError("no COPY command queued");
  }

  private String sourceOf(ChunkCommand c) {
    return lastSource;
  }

  @Test
  void deletedFilesReplicasGetDeleteCommands() {
    register("n1", "n2");
    file("/a", 5, 2, "n1", "n2");
    Namespace.DeleteResult r = ns.delete("/a", false, clock.millis(), Namespace.SYSTEM);
    cm.garbage(r.garbage());
    for (String id : List.of("n1", "n2")) {
      List<ChunkCommand> cmds = pulse(id);
      assertEquals(1, cmds.size());
      assertEquals(ChunkCommand.Kind.DELETE, cmds.get(0).kind());
      assertEquals(5, cmds.get(0).handle());
    }
    // A late report of that handle is deleted on sight.
    report("n1", 5, 1, LENGTH, DIGEST);
    assertEquals(ChunkCommand.Kind.DELETE, pulse("n1").get(0).kind());
  }

  @Test
  void unknownReplicasAreCollectedAfterGraceButPendingOnesAreProtected() {
    register("n1", "n2");
    cm.allocated("client", 42);
    report("n1", 41, 1, 10, 1);
    report("n1", 42, 1, 10, 1);
    tick.run();
    assertEquals(List.of(), pulse("n1"));
    ticker.advance(Duration.ofSeconds(31));
    pulseAll("n1", "n2");
    tick.run();
    List<ChunkCommand> cmds = pulse("n1");
    assertEquals(List.of(41L), cmds.stream().map(ChunkCommand::handle)
        .collect(Collectors.toList()), "only the abandoned, non-pending handle");
    assertEquals(ChunkCommand.Kind.DELETE, cmds.get(0).kind());
    // The writer never commits nor renews: once its lease expires its replica is garbage too.
    ticker.advance(Duration.ofMinutes(2));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(42L), pulse("n1").stream().map(ChunkCommand::handle)
        .collect(Collectors.toList()));
  }

  @Test
  void afterARestartEarlierAllocationsAreProtectedButReplayedGarbageIsNot() {
    // A restarted master: handles up to 100 may be in flight from its previous incarnation;
    // handle 60 belonged to a file the replayed log deleted.
    cm.inherit(100, new long[] {60});
    register("n1", "n2");
    report("n1", 60, 1, 10, 1);
    report("n1", 70, 1, 10, 1);
    assertEquals(List.of(60L), pulse("n1").stream().map(ChunkCommand::handle)
        .collect(Collectors.toList()), "replayed garbage goes at once");
    ticker.advance(Duration.ofSeconds(31));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(), pulse("n1"), "a write of the previous incarnation may still commit");
    // It commits against the new master: kept for good.
    assertEquals(List.of(), cm.renewLease("client", List.of(70L)), "its writer renews");
    report("n1", 70, 1, LENGTH, DIGEST);
    report("n2", 70, 1, LENGTH, DIGEST);
    committed("/late", 70, 1, 2, "n1", "n2");
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(), pulse("n1"));
    assertEquals(List.of("n1", "n2"), cm.holders(70));
  }

  @Test
  void inheritedAllocationsExpireLikePendingOnes() {
    cm.inherit(100, new long[0]);
    register("n1", "n2");
    report("n1", 80, 1, 10, 1);
    ticker.advance(Duration.ofSeconds(100));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(), pulse("n1"));
    ticker.advance(Duration.ofSeconds(21));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(80L), pulse("n1").stream().map(ChunkCommand::handle)
        .collect(Collectors.toList()), "an abandoned write of the old incarnation is collected");
  }

  @Test
  void committedPendingReplicaIsKept() {
    register("n1", "n2");
    cm.allocated("client", 50);
    report("n1", 50, 1, LENGTH, DIGEST);
    report("n2", 50, 1, LENGTH, DIGEST);
    committed("/p", 50, 1, 2, "n1", "n2");
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(), pulse("n1"));
    assertEquals(List.of("n1", "n2"), cm.holders(50));
  }

  @Test
  void thePipelineHeadIsListedFirstForReadersWhateverTheReportOrder() {
    // Readers try the first location: the head, the one replica kept in a page cache.
    register("n1", "n2", "n3");
    cm.allocated("client", 60);
    // The downstream hops' reports reach the master before the head's.
    report("n3", 60, 1, LENGTH, DIGEST);
    report("n2", 60, 1, LENGTH, DIGEST);
    report("n1", 60, 1, LENGTH, DIGEST);
    committed("/h", 60, 1, 3, "n1", "n2", "n3");
    List<String> listed = cm.liveLocations(60).stream().map(a -> a.id()).toList();
    assertEquals("n1", listed.get(0), "the head, whose page cache holds the chunk, first");
    assertEquals(3, listed.size());
  }

  @Test
  void staleVersionIsDeleted() {
    register("n1", "n2", "n3");
    commit("/v", 7, 3, 2, "n1", "n2");
    report("n3", 7, 2, LENGTH, DIGEST);
    List<ChunkCommand> cmds = pulse("n3");
    assertEquals(1, cmds.size());
    assertEquals(ChunkCommand.Kind.DELETE, cmds.get(0).kind());
    assertEquals(2, cmds.get(0).version());
    assertEquals(List.of("n1", "n2"), cm.holders(7));
  }

  @Test
  void voteDeletesTheMinorityReplicaOnceTheGoalIsMetElsewhere() {
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2", "n3");
    report("n3", 1, 1, LENGTH, 999);
    tick.run();
    assertEquals(List.of("n1", "n2"), cm.holders(1));
    FsckResponse f = cm.fsck("/");
    assertEquals(1, f.votes());
    assertEquals(1, f.corrupt());
    assertEquals("DEGRADED", f.status());
    assertTrue(digestRecords.isEmpty());
    // The loser stays on disk (GFS 5.2) until a verified copy brings the chunk back to 3.
    assertTrue(pulse("n3").stream().noneMatch(c -> c.kind() == ChunkCommand.Kind.DELETE));
    ChunkCommand copy = firstCopy();
    assertEquals("n4", copy.target().id());
    tick.run();
    assertTrue(pulse("n3").stream().noneMatch(c -> c.kind() == ChunkCommand.Kind.DELETE),
        "not while the copy is in flight");
    report("n4", 1, 1, LENGTH, DIGEST);
    tick.run();
    assertEquals(List.of(new ChunkCommand(ChunkCommand.Kind.DELETE, 1, 1, null)), pulse("n3"));
    assertEquals("HEALTHY", cm.fsck("/").status());
  }

  @Test
  void staleReplicasDoNotVote() {
    register("n1", "n2", "n3");
    commit("/s", 9, 2, 3, "n1");
    report("n2", 9, 1, LENGTH, 555);
    report("n3", 9, 1, LENGTH, 555);
    tick.run();
    assertEquals(0, cm.fsck("/").votes(), "two stale replicas must not outvote the current one");
    assertEquals(DIGEST, ns.chunk(9).digest());
    assertTrue(digestRecords.isEmpty());
    assertEquals(ChunkCommand.Kind.DELETE, pulse("n2").get(0).kind());
    assertEquals(List.of("n1"), cm.holders(9));
  }

  @Test
  void strictMajorityOverrulesTheCommittedDigest() {
    register("n1", "n2", "n3");
    file("/a", 1, 3, "n1");
    report("n2", 1, 1, LENGTH, 555);
    report("n3", 1, 1, LENGTH, 555);
    tick.run();
    assertEquals(1, digestRecords.size());
    assertEquals(555, ns.chunk(1).digest());
    // Three nodes, two good replicas: the loser's node is the only place for the third copy, so
    // the loser goes now (two verified replicas remain).
    tick.run();
    assertEquals(ChunkCommand.Kind.DELETE, pulse("n1").get(0).kind());
    assertEquals(List.of("n2", "n3"), cm.holders(1).stream().sorted()
        .collect(Collectors.toList()));
  }

  @Test
  void returningNodeIsTrimmedToTheGoal() {
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2", "n3");
    report("n4", 1, 1, LENGTH, DIGEST);
    tick.run();
    int deletes = 0;
    for (String id : List.of("n1", "n2", "n3", "n4")) {
      deletes += (int) pulse(id).stream().filter(c -> c.kind() == ChunkCommand.Kind.DELETE)
          .count();
    }
    assertEquals(1, deletes);
    assertEquals(3, cm.holders(1).size());
  }

  @Test
  void fullReportReconcilesMissingReplicas() {
    register("n1", "n2", "n3");
    file("/a", 1, 2, "n1", "n2");
    file("/b", 2, 2, "n1", "n2");
    protocol.report(new ReplicaReportRequest("n1", true, 0, false,
        List.of(new ReplicaInfo(1, 1, LENGTH, DIGEST)), List.of()));
    protocol.report(new ReplicaReportRequest("n1", true, 1, true, List.of(), List.of()));
    assertEquals(List.of("n2"), cm.holders(2));
    assertEquals(List.of("n1", "n2"), cm.holders(1));
  }

  @Test
  void aReplicaItsHolderFoundBadIsDroppedAndReplaced() {
    register("n1", "n2", "n3");
    file("/a", 1, 2, "n1", "n2");
    tick.run();
    // The holder quarantined it already: the master drops the location, sends no DELETE.
    protocol.reportBad(new ReportBadReplicaRequest(1, 1, "n1", "checksum mismatch"), true, "n1");
    assertEquals(List.of("n2"), cm.holders(1));
    assertEquals(List.of(), pulse("n1"));
    assertEquals(1, cm.fsck("/").corrupt());
    tick.run();
    ChunkCommand copy = pulse("n2").get(0);
    assertEquals(ChunkCommand.Kind.COPY, copy.kind());
    report(copy.target().id(), 1, 1, LENGTH, DIGEST);
    tick.run();
    FsckResponse f = cm.fsck("/");
    assertEquals(0, f.corrupt());
    assertEquals("HEALTHY", f.status());
  }

  @Test
  void aReadersReportOnlyAsksTheHolderToVerify() {
    register("n1", "n2", "n3");
    file("/a", 1, 3, "n1", "n2", "n3");
    tick.run();
    protocol.reportBad(new ReportBadReplicaRequest(1, 1, "n1", "checksum mismatch"), false, "c1");
    protocol.reportBad(new ReportBadReplicaRequest(1, 1, "n1", "checksum mismatch"), false, "c1");
    assertEquals(List.of("n1", "n2", "n3"), cm.holders(1), "nothing removed on a claim");
    List<ChunkCommand> cmds = pulse("n1");
    assertEquals(List.of(new ChunkCommand(ChunkCommand.Kind.VERIFY, 1, 1, null)), cmds,
        "one verification, however often it is reported meanwhile");
    // The holder found it good: the claim was wrong, nothing changes.
    protocol.commandResult(new CommandResultRequest("n1", cmds.get(0), true, "verified"));
    tick.run();
    assertEquals(List.of("n1", "n2", "n3"), cm.holders(1));
    assertEquals("HEALTHY", cm.fsck("/").status());
  }

  @Test
  void aFloodOfFalseReportsCostsNoReplica() {
    register("n1", "n2", "n3");
    for (int h = 1; h <= 3; h++) {
      file("/f" + h, h, 3, "n1", "n2", "n3");
    }
    tick.run();
    int verifications = 0;
    for (int round = 0; round < 50; round++) {
      for (int h = 1; h <= 3; h++) {
        for (String n : List.of("n1", "n2", "n3")) {
          protocol.reportBad(new ReportBadReplicaRequest(h, 1, n, "lies"), false, "liar");
        }
      }
      for (String n : List.of("n1", "n2", "n3")) {
        for (ChunkCommand c : pulse(n)) {
          assertEquals(ChunkCommand.Kind.VERIFY, c.kind(), "only verifications: " + c);
          verifications++;
          protocol.commandResult(new CommandResultRequest(n, c, true, "verified"));
        }
      }
      tick.run();
    }
    assertTrue(verifications <= BadReplicaReports.BURST + 1,
        "the liar is rate limited: " + verifications + " verifications");
    for (int h = 1; h <= 3; h++) {
      assertEquals(List.of("n1", "n2", "n3"), cm.holders(h));
    }
    // Another reporter is not starved by the liar.
    protocol.reportBad(new ReportBadReplicaRequest(2, 1, "n2", "really bad"), false, "honest");
    assertEquals(ChunkCommand.Kind.VERIFY, pulse("n2").get(0).kind());
  }

  @Test
  void locationsIncompleteUntilReportsCoverTheNamespace() {
    ns.commit("/a", false, 1, 1 << 20, List.of(new ChunkRecord(1, 1, LENGTH, DIGEST)), 1, Namespace.SYSTEM);
    ChunkParts fresh = new ChunkParts("m", settings, state, new RoundRobinPlacement(), ticker,
        (h, l, d) -> { });
    assertFalse(fresh.manager().locationsComplete());
    fresh.tick().run();
    assertFalse(fresh.manager().locationsComplete());
    assertEquals("DEGRADED", fresh.manager().fsck("/").status());
    fresh.protocol().register(new RegisterRequest("n1", 7000, 1L << 40, 0, 1L << 40, ""), "10.0.0.1");
    fresh.protocol().report(new ReplicaReportRequest("n1", true, 0, true,
        List.of(new ReplicaInfo(1, 1, LENGTH, DIGEST)), List.of()));
    fresh.tick().run();
    assertTrue(fresh.manager().locationsComplete());
    assertEquals("HEALTHY", fresh.manager().fsck("/").status());
  }

  @Test
  void locationsCompleteAfterDeadAfterWhenEveryNodeReported() {
    ns.commit("/a", false, 1, 1 << 20, List.of(new ChunkRecord(1, 1, LENGTH, DIGEST)), 1, Namespace.SYSTEM);
    ChunkParts fresh = new ChunkParts("m", settings, state, new RoundRobinPlacement(), ticker,
        (h, l, d) -> { });
    fresh.protocol().register(new RegisterRequest("n1", 7000, 1L << 40, 0, 1L << 40, ""), "10.0.0.1");
    fresh.protocol().report(new ReplicaReportRequest("n1", true, 0, true, List.of(), List.of()));
    fresh.tick().run();
    assertFalse(fresh.manager().locationsComplete());
    ticker.advance(Duration.ofSeconds(10));
    fresh.protocol().pulse(new PulseRequest("n1", 1L << 40, 0, 1L << 40, 0));
    fresh.tick().run();
    assertTrue(fresh.manager().locationsComplete());
    FsckResponse f = fresh.manager().fsck("/");
    assertEquals(1, f.missing());
    assertEquals("CORRUPT", f.status());
  }

  private List<Long> deletesOn(String id) {
    return pulse(id).stream().filter(c -> c.kind() == ChunkCommand.Kind.DELETE)
        .map(ChunkCommand::handle).sorted().collect(Collectors.toList());
  }

  @Test
  void nothingIsCollectedBeforeTheStartUpDelay() {
    // Locations are complete at once (no chunks), the grace of an unknown replica is 30 s, the
    // start-up delay 30 s as well: a replica first seen at 20 s goes at 50 s, not before.
    register("n1");
    cm.inherit(100, new long[0]);
    ticker.advance(Duration.ofSeconds(20));
    report("n1", 7, 1, 10, 1);
    ticker.advance(Duration.ofMinutes(10).minusSeconds(20));
    pulseAll("n1");
    tick.run();
    assertEquals(List.of(7L), deletesOn("n1"), "after both the delay and the grace");
  }

  @Test
  void mostOfANodesReplicasTurningGarbageAtOnceIsHeldUntilAnOperatorActs() {
    // A master on an old copy of its namespace: n1 holds /old's chunk and five chunks of files
    // the old namespace never heard of (handles it did reserve).
    cm.inherit(100, new long[0]);
    register("n1", "n2");
    file("/old", 1, 2, "n1", "n2");
    for (long h = 10; h < 15; h++) {
      report("n1", h, 1, LENGTH, DIGEST);
    }
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(), deletesOn("n1"), "held, not deleted");
    assertEquals(5, cm.clusterStatus("m", "c", 0).deletionsHeld());
    FsckResponse f = cm.fsck("/");
    assertEquals(5, f.deletionsHeld());
    assertTrue(f.problems().get(0).contains("5 replica deletions held"), f.problems().toString());
    // Later ticks do not carry them out either.
    ticker.advance(Duration.ofMinutes(5));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(), deletesOn("n1"));
    // The operator discards two by node (nothing deleted), then releases the rest.
    assertThrows(MetadataException.class, () -> cm.actOnHeldDeletions(false, "nope"));
    assertEquals(0, cm.actOnHeldDeletions(true, "n2"));
    assertEquals(5, cm.actOnHeldDeletions(true, "n1"));
    assertEquals(List.of(10L, 11L, 12L, 13L, 14L), deletesOn("n1"));
    assertEquals(0, cm.clusterStatus("m", "c", 0).deletionsHeld());
  }

  @Test
  void discardedHoldsKeepTheReplicasForGood() {
    cm.inherit(100, new long[0]);
    register("n1");
    for (long h = 10; h < 14; h++) {
      report("n1", h, 1, LENGTH, DIGEST);
    }
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1");
    tick.run();
    assertEquals(4, cm.actOnHeldDeletions(false, ""));
    // Reported again (a new full report): never proposed again by this master.
    protocol.report(new ReplicaReportRequest("n1", true, 0, true, List.of(
        new ReplicaInfo(10, 1, LENGTH, DIGEST), new ReplicaInfo(11, 1, LENGTH, DIGEST)),
        List.of()));
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1");
    tick.run();
    assertEquals(List.of(), deletesOn("n1"));
    assertEquals(0, cm.fsck("/").deletionsHeld());
  }

  @Test
  void aHandleThisMasterNeverHandedOutIsHeldEvenAlone() {
    // Reserved up to 100 before the restart; the node has handle 5000: the namespace is older.
    cm.inherit(100, new long[0]);
    register("n1", "n2");
    file("/a", 1, 2, "n1", "n2");
    file("/b", 2, 2, "n1", "n2");
    file("/c", 3, 2, "n1", "n2");
    report("n1", 5000, 1, LENGTH, DIGEST);
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(List.of(), deletesOn("n1"));
    assertEquals(1, cm.fsck("/").deletionsHeld());
  }

  @Test
  void replicasOfWritesThisMasterSawAbandonedAreNotHeld() {
    register("n1");
    for (long h = 1; h <= 4; h++) {
      cm.allocated("client", h);
      report("n1", h, 1, LENGTH, DIGEST);
    }
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1");
    tick.run();
    assertEquals(List.of(1L, 2L, 3L, 4L), deletesOn("n1"), "all of n1's replicas, yet not held");
    assertEquals(0, cm.fsck("/").deletionsHeld());
  }

  @Test
  void aDeadNodesHoldsAreDroppedAndDerivedAgainWhenItReturns() {
    cm.inherit(100, new long[0]);
    register("n1", "n2");
    for (long h = 10; h < 14; h++) {
      report("n1", h, 1, LENGTH, DIGEST);
    }
    ticker.advance(Duration.ofMinutes(11));
    pulseAll("n1", "n2");
    tick.run();
    assertEquals(4, cm.fsck("/").deletionsHeld());
    ticker.advance(Duration.ofSeconds(11));
    pulseAll("n2");
    tick.run();
    assertEquals(NodeState.DEAD, cm.node("n1").state());
    assertEquals(0, cm.fsck("/").deletionsHeld());
  }
}
