package dev.granary.master.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.journal.Op;
import dev.granary.master.journal.OpApplier;
import dev.granary.master.liveness.NodeState;
import dev.granary.master.namespace.MetadataException;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.NodeStatus;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Decommissioning on an injected ticker, no sleeps: what counts toward a chunk's goal, where copies
 * go and in what order, when a node is DECOMMISSIONED, and what death, registration and
 * recommissioning do to it.
 */
class DecommissionTest extends ChunkFixture {
  private static final List<String> ALL = List.of("n1", "n2", "n3", "n4", "n5");
  /** Every command handed to each node, by node id. */
  private final java.util.Map<String, List<ChunkCommand>> sent = new java.util.HashMap<>();

  DecommissionTest() {
    super(2);
  }

  /** What the DECOMMISSION handler does once the record is durable. */
  private void decommission(String id) {
    state.write(() -> {
      OpApplier.apply(state.image(), new Op.Decommission(clock.millis(), id));
    });
    cm.syncDecommissions();
  }

  private void recommission(String id) {
    state.write(() -> {
      OpApplier.apply(state.image(), new Op.Recommission(clock.millis(), id));
    });
    cm.syncDecommissions();
  }

  private NodeState stateOf(String id) {
    return cm.node(id).state();
  }

  /** Registers {@code id} with a full report of {@code handles}. */
  private void registerHolding(String id, long... handles) {
    protocol.register(new RegisterRequest(id, 7000, 1L << 40, 0, 1L << 40, ""), "10.0.0.1");
    List<ReplicaInfo> held = new ArrayList<>();
    for (long h : handles) {
      held.add(new ReplicaInfo(h, 1, LENGTH, DIGEST));
    }
    protocol.report(new ReplicaReportRequest(id, true, 0, true, held, List.of()));
  }

  /**
   * One second of cluster life: the live nodes among {@code ids} pulse (and every COPY they are
   * handed completes: its target reports the new replica), then the tick runs. Returns the copies.
   */
  private List<ChunkCommand> second(List<String> ids) {
    ticker.advance(Duration.ofSeconds(1));
    List<ChunkCommand> copies = new ArrayList<>();
    for (String id : ids) {
      for (ChunkCommand c : pulse(id)) {
        sent.computeIfAbsent(id, k -> new ArrayList<>()).add(c);
        if (c.kind() == ChunkCommand.Kind.COPY) {
          copies.add(c);
        }
      }
    }
    for (ChunkCommand c : copies) {
      report(c.target().id(), c.handle(), c.version(), LENGTH, DIGEST);
    }
    tick.run();
    return copies;
  }

  /** Runs seconds until {@code id} is in {@code wanted} (at most 30); returns the copies. */
  private List<ChunkCommand> until(String id, NodeState wanted, List<String> ids) {
    List<ChunkCommand> copies = new ArrayList<>();
    runUntil(() -> stateOf(id) == wanted, ids, 30, copies);
    assertEquals(wanted, stateOf(id), () -> cm.nodeStatus(id) + " " + cm.fsck("/").problems());
    return copies;
  }

  /** Runs up to {@code seconds} seconds until {@code done}; the copies go to {@code copies}. */
  private void runUntil(java.util.function.BooleanSupplier done, List<String> ids, int seconds,
      List<ChunkCommand> copies) {
    for (int i = 0; i < seconds && !done.getAsBoolean(); i++) {
      copies.addAll(second(ids));
    }
  }

  private Set<String> holders(long handle) {
    return new HashSet<>(cm.holders(handle));
  }

  @Test
  void aDecommissioningNodeGetsNoNewChunksButStillServesReadsLast() {
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2", "n3");
    decommission("n1");
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"));
    for (int i = 0; i < 20; i++) {
      List<NodeAddress> pipeline = cm.choosePipeline(3, List.of());
      assertEquals(3, pipeline.size());
      assertTrue(pipeline.stream().noneMatch(a -> a.id().equals("n1")), pipeline::toString);
    }
    // Reads still go there, after the replicas on nodes in service.
    assertEquals(List.of("n2", "n3", "n1"),
        cm.liveLocations(1).stream().map(NodeAddress::id).toList());
    // Only nodes in service count for a pipeline's minimum.
    MetadataException e = assertThrows(MetadataException.class,
        () -> cm.choosePipeline(3, List.of("n2", "n3")));
    assertEquals(Status.UNAVAILABLE, e.status());
  }

  @Test
  void everyChunkGetsItsGoalElsewhereThenTheNodeIsDecommissionedAndKeepsItsReplicas() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4");
    register(nodes.toArray(String[]::new));
    file("/a", 1, 3, "n1", "n2", "n3");
    file("/b", 2, 3, "n1", "n2", "n4");
    file("/c", 3, 3, "n2", "n3", "n4");
    file("/d", 4, 1, "n1");
    decommission("n1");
    NodeStatus s = cm.nodeStatus("n1");
    assertEquals("DECOMMISSIONING", s.state());
    assertEquals(3, s.replicasLeft(), s::toString);
    assertEquals(clock.millis(), s.decommissionSince());
    // Not alarming: every chunk still has its goal in live replicas, the node's included.
    FsckResponse f = cm.fsck("/");
    assertEquals("HEALTHY", f.status(), f.problems()::toString);
    assertEquals(0, f.underReplicated());
    assertEquals(Set.of(1L, 2L, 4L), new HashSet<>(cm.replicationQueue()));

    List<ChunkCommand> copies = until("n1", NodeState.DECOMMISSIONED, nodes);
    for (ChunkCommand c : copies) {
      assertNotEquals("n1", c.target().id(), "a copy to the decommissioning node");
    }
    assertEquals(Set.of("n1", "n2", "n3", "n4"), holders(1));
    assertEquals(Set.of("n1", "n2", "n3", "n4"), holders(2));
    assertEquals(2, holders(4).size());
    assertEquals(0, cm.nodeStatus("n1").replicasLeft());
    // Its replicas are not trimmed while it is decommissioned: a reader may still be on them.
    second(nodes);
    second(nodes);
    for (ChunkCommand c : sent.getOrDefault("n1", List.of())) {
      assertNotEquals(ChunkCommand.Kind.DELETE, c.kind(), "n1 was told to delete " + c);
    }
    f = cm.fsck("/");
    assertEquals("HEALTHY", f.status(), f.problems()::toString);
    assertEquals(0, f.overReplicated(), f.problems()::toString);
    assertEquals(4, f.healthy());
    // Switched off: nothing is under-replicated.
    ticker.advance(Duration.ofSeconds(10));
    pulseAll("n2", "n3", "n4");
    tick.run();
    assertFalse(cm.node("n1").isLive());
    assertEquals(NodeState.DECOMMISSIONED, stateOf("n1"), "it was done when it died");
    f = cm.fsck("/");
    assertEquals("HEALTHY", f.status(), f.problems()::toString);
    assertTrue(cm.replicationQueue().isEmpty(), cm.replicationQueue()::toString);
  }

  @Test
  void withNoOtherNodeToCopyToTheNodeStaysDecommissioningUntilOneJoins() {
    List<String> three = List.of("n1", "n2", "n3");
    register(three.toArray(String[]::new));
    file("/a", 1, 3, "n1", "n2", "n3");
    file("/b", 2, 2, "n2", "n3");
    decommission("n1");
    // Only n2 and n3 are in service, and both hold /a: its third copy has nowhere to go.
    List<ChunkCommand> copies = new ArrayList<>();
    runUntil(() -> false, three, 10, copies);
    assertEquals(List.of(), copies);
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"));
    assertEquals(1, cm.nodeStatus("n1").replicasLeft());
    assertEquals(Set.of("n1", "n2", "n3"), holders(1));
    // A fourth node takes the copy, from any holder; only then is n1 done.
    register("n4");
    List<String> four = List.of("n1", "n2", "n3", "n4");
    copies = until("n1", NodeState.DECOMMISSIONED, four);
    assertEquals(1, copies.size(), copies::toString);
    assertEquals("n4", copies.get(0).target().id());
    assertEquals(Set.of("n1", "n2", "n3", "n4"), holders(1));
    assertEquals(Set.of("n2", "n3"), holders(2), "a chunk n1 does not hold is left alone");
  }

  @Test
  void aChunkOnlyTheDecommissioningNodeHoldsIsCopiedFromIt() {
    List<String> nodes = List.of("n1", "n2", "n3");
    register(nodes.toArray(String[]::new));
    file("/only", 1, 2, "n1");
    decommission("n1");
    List<ChunkCommand> copies = until("n1", NodeState.DECOMMISSIONED, nodes);
    assertEquals(2, copies.size(), copies::toString);
    for (ChunkCommand c : copies) {
      assertNotEquals("n1", c.target().id());
    }
    // The copies' source is n1: it is the command's receiver.
    assertEquals(2, sent.get("n1").stream().filter(c -> c.kind() == ChunkCommand.Kind.COPY)
        .count(), sent::toString);
    assertEquals(Set.of("n1", "n2", "n3"), holders(1));
  }

  @Test
  void reallyUnderReplicatedChunksComeFirst() {
    register(ALL.toArray(String[]::new));
    file("/moving", 10, 3, "n1", "n2", "n3");
    file("/one", 11, 3, "n4");
    file("/two", 12, 3, "n4", "n5");
    decommission("n1");
    // The decommissioned node's chunk still has three live replicas: it waits for the others.
    assertEquals(List.of(11L, 12L, 10L), cm.replicationQueue());
  }

  @Test
  void copiesRespectTheSlotsAndDoNotStarveRepair() {
    register("n1", "n2", "n3", "n4");
    for (int i = 1; i <= 6; i++) {
      file("/d" + i, i, 3, "n1", "n2", "n3");
    }
    file("/under", 100, 3, "n2");
    decommission("n1");
    ticker.advance(Duration.ofSeconds(1));
    tick.run();
    // n4 is the only possible target, with two slots: the really under-replicated chunk has one.
    int copiesTo4 = 0;
    boolean repaired = false;
    for (String id : List.of("n1", "n2", "n3", "n4")) {
      for (ChunkCommand c : pulse(id)) {
        if (c.kind() == ChunkCommand.Kind.COPY) {
          copiesTo4 += c.target().id().equals("n4") ? 1 : 0;
          repaired |= c.handle() == 100;
        }
      }
      assertTrue(cm.node(id).copiesInFlight() <= 2, id + " over its slots");
    }
    assertTrue(repaired, "the under-replicated chunk was not scheduled first");
    assertTrue(copiesTo4 <= 2, "n4 got " + copiesTo4 + " copies");
  }

  @Test
  void aNodeThatDiesWhileDecommissioningIsDeadAndDecommissioningAgainWhenItReturns() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4");
    register(nodes.toArray(String[]::new));
    file("/a", 1, 3, "n1", "n2", "n3");
    decommission("n1");
    ticker.advance(Duration.ofSeconds(10));
    pulseAll("n2", "n3", "n4");
    tick.run();
    assertEquals(NodeState.DEAD, stateOf("n1"));
    assertTrue(cm.nodeStatus("n1").decommissionSince() > 0, "the intent stays");
    // Its chunk is re-replicated as for any dead node.
    runUntil(() -> holders(1).contains("n4"), List.of("n2", "n3", "n4"), 30, new ArrayList<>());
    assertEquals(Set.of("n2", "n3", "n4"), holders(1));
    assertEquals(NodeState.DEAD, stateOf("n1"));
    // Back with its replica: decommissioning still, and done at once (its chunk is at its goal).
    registerHolding("n1", 1);
    assertTrue(cm.node("n1").decommissioning());
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"));
    until("n1", NodeState.DECOMMISSIONED, nodes);
    assertEquals(Set.of("n1", "n2", "n3", "n4"), holders(1));
    assertEquals(0, cm.fsck("/").overReplicated(), "its replica is not counted");
  }

  @Test
  void recommissionPutsTheNodeBackAndTrimsTheExcess() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4");
    register(nodes.toArray(String[]::new));
    file("/a", 1, 3, "n1", "n2", "n3");
    decommission("n1");
    until("n1", NodeState.DECOMMISSIONED, nodes);
    assertEquals(4, holders(1).size());
    recommission("n1");
    assertEquals(NodeState.LIVE, stateOf("n1"));
    assertEquals(0, cm.nodeStatus("n1").decommissionSince());
    second(nodes);
    second(nodes);
    assertEquals(3, holders(1).size(), holders(1)::toString);
    long deletes = sent.values().stream().flatMap(List::stream)
        .filter(c -> c.kind() == ChunkCommand.Kind.DELETE).count();
    assertEquals(1, deletes, sent::toString);
    FsckResponse f = cm.fsck("/");
    assertEquals(0, f.overReplicated());
    assertEquals("HEALTHY", f.status());
    // Idempotent both ways.
    recommission("n1");
    assertEquals(NodeState.LIVE, stateOf("n1"));
    decommission("n1");
    decommission("n1");
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"));
  }

  @Test
  void aWriteInFlightWhenTheDecommissionBeganIsAwaited() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4");
    register(nodes.toArray(String[]::new));
    // Pipelines handed out before: one whose handle is known, one allocated just after.
    cm.allocated("client", 7);
    decommission("n1");
    cm.allocated("client", 8, List.of(new NodeAddress("n1", "10.0.0.1", 7000),
        new NodeAddress("n2", "10.0.0.1", 7000)));
    for (int i = 0; i < 3; i++) {
      second(nodes);
    }
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"), "done before its writes ended");
    assertEquals(0, cm.nodeStatus("n1").replicasLeft());
    for (String id : List.of("n1", "n2", "n3")) {
      report(id, 7, 1, LENGTH, DIGEST);
    }
    committed("/w7", 7, 1, 3, "n1", "n2", "n3");
    second(nodes);
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"));
    for (String id : List.of("n1", "n2")) {
      report(id, 8, 1, LENGTH, DIGEST);
    }
    committed("/w8", 8, 1, 2, "n1", "n2");
    until("n1", NodeState.DECOMMISSIONED, nodes);
    assertEquals(Set.of("n1", "n2", "n3", "n4"), holders(7));
    assertEquals(3, holders(8).size());
  }

  @Test
  void aWriteItsBusyWriterDroppedIsAwaitedOnlyForTheWriteWait() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4");
    register(nodes.toArray(String[]::new));
    // A busy writer's dropped handles stay pending under its live lease: a spare it let age (7)
    // and a failed write that reached n1 (9).
    cm.allocated("busy", 7);
    cm.allocated("busy", 9);
    report("n1", 9, 1, LENGTH, DIGEST);
    decommission("n1");
    long seconds = DecommissionTask.WRITE_WAIT_MILLIS / 1000;
    for (int i = 0; i < seconds - 1; i++) {
      cm.allocated("busy", 1000 + i); // the lease stays live
      second(nodes);
    }
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"), "not awaited for the write wait");
    runUntil(() -> stateOf("n1") == NodeState.DECOMMISSIONED, nodes, 3, new ArrayList<>());
    assertEquals(NodeState.DECOMMISSIONED, stateOf("n1"));
  }

  @Test
  void aWriteThatLandsAfterItIsDoneMakesItDecommissioningAgainUntilCopied() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4");
    register(nodes.toArray(String[]::new));
    file("/a", 1, 3, "n1", "n2", "n3");
    decommission("n1");
    until("n1", NodeState.DECOMMISSIONED, nodes);
    // A pipeline handed out long before delivers its chunk to n1 now, then commits.
    cm.allocated("slow", 5);
    report("n1", 5, 1, LENGTH, DIGEST);
    second(nodes);
    assertEquals(NodeState.DECOMMISSIONING, stateOf("n1"));
    report("n2", 5, 1, LENGTH, DIGEST);
    committed("/late", 5, 1, 3, "n1", "n2");
    List<ChunkCommand> copies = until("n1", NodeState.DECOMMISSIONED, nodes);
    assertEquals(2, copies.size(), copies::toString);
    assertEquals(Set.of("n1", "n2", "n3", "n4"), holders(5));
  }

  @Test
  void afterARestartTheIntentHoldsAndAnUncommittedReplicaIsAwaitedForTheWriteWait() {
    register("n1", "n2", "n3", "n4");
    file("/a", 1, 3, "n1", "n2", "n3");
    decommission("n1");
    // A new incarnation on the same image: soft state gone, the intent kept.
    ChunkParts fresh = new ChunkParts("m", settings, state,
        new dev.granary.master.placement.RoundRobinPlacement(), ticker, (h, l, d) -> { });
    ChunkManager cm2 = fresh.manager();
    ChunkserverProtocol p2 = fresh.protocol();
    cm2.inherit(100, new long[0]);
    List<String> nodes = List.of("n1", "n2", "n3", "n4");
    for (String id : nodes) {
      p2.register(new RegisterRequest(id, 7000, 1L << 40, 0, 1L << 40, ""), "10.0.0.1");
      List<ReplicaInfo> held = new ArrayList<>();
      if (!id.equals("n4")) {
        held.add(new ReplicaInfo(1, 1, LENGTH, DIGEST));
      }
      if (id.equals("n1")) {
        held.add(new ReplicaInfo(50, 1, LENGTH, DIGEST)); // uncommitted: a write in flight?
      }
      p2.report(new ReplicaReportRequest(id, true, 0, true, held, List.of()));
    }
    assertEquals(NodeState.DECOMMISSIONING, cm2.node("n1").state());
    Runnable second = () -> {
      ticker.advance(Duration.ofSeconds(1));
      for (String id : nodes) {
        for (ChunkCommand c : p2.pulse(new dev.granary.wire.msg.PulseRequest(id, 1L << 40, 0,
            1L << 40, 0)).commands()) {
          if (c.kind() == ChunkCommand.Kind.COPY) {
            p2.report(new ReplicaReportRequest(c.target().id(), false, 0, false,
                List.of(new ReplicaInfo(c.handle(), 1, LENGTH, DIGEST)), List.of()));
          }
        }
      }
      fresh.tick().run();
    };
    long seconds = DecommissionTask.WRITE_WAIT_MILLIS / 1000;
    for (int i = 0; i < seconds - 2; i++) {
      second.run();
    }
    assertEquals(Set.of("n1", "n2", "n3", "n4"), new HashSet<>(cm2.holders(1)));
    assertEquals(NodeState.DECOMMISSIONING, cm2.node("n1").state(),
        "done while an earlier incarnation's write may still commit on it");
    assertEquals(0, cm2.nodeStatus("n1").replicasLeft());
    for (int i = 0; i < 4 && cm2.node("n1").state() != NodeState.DECOMMISSIONED; i++) {
      second.run();
    }
    assertEquals(NodeState.DECOMMISSIONED, cm2.node("n1").state(), "awaited past the write wait");
  }

  @Test
  void nodesAreNamedByIdOrAddressAndUnknownOnesAreNotFound() {
    protocol.register(new RegisterRequest("n1", 7001, 1L << 40, 0, 1L << 40, ""), "10.0.0.9");
    assertEquals("n1", cm.resolveNode("n1"));
    assertEquals("n1", cm.resolveNode("10.0.0.9:7001"));
    MetadataException e = assertThrows(MetadataException.class,
        () -> cm.resolveNode("10.0.0.9:7002"));
    assertEquals(Status.NOT_FOUND, e.status());
    assertTrue(e.getMessage().contains("no chunkserver '10.0.0.9:7002'"), e.getMessage());
    // A node being decommissioned that has not registered with this incarnation: by id only.
    state.write(() -> {
      OpApplier.apply(state.image(), new Op.Decommission(5, "gone"));
    });
    assertEquals("gone", cm.resolveNode("gone"));
    NodeStatus s = cm.nodeStatus("gone");
    assertEquals("DEAD", s.state());
    assertEquals(5, s.decommissionSince());
    assertEquals("", s.host());
  }
}
