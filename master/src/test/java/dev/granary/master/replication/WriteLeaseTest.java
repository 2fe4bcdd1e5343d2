package dev.granary.master.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Sha256;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.placement.RoundRobinPlacement;
import dev.granary.master.state.MasterState;
import dev.granary.master.testing.MutableTicker;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Write leases and commits of reported replicas only, on an injected ticker: lease timeout 2 min,
 * garbage grace (gcInterval) 30 s, minReplicas 2.
 */
class WriteLeaseTest {
  private static final long LENGTH = 1000;
  private static final long DIGEST = 77;
  private static final Duration LEASE = Duration.ofMinutes(2);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final MutableTicker ticker = new MutableTicker();
  private final MasterState state = new MasterState(new MetadataImage());
  private final Namespace ns = state.namespace();
  private final ChunkManager.Settings settings = new ChunkManager.Settings(Duration.ofSeconds(1),
      Duration.ofMinutes(10), Duration.ofSeconds(30), 1 << 20, 2, 1, Duration.ofSeconds(30),
      LEASE, Duration.ofSeconds(30), 10, 64L << 20);
  private ChunkParts parts = parts();
  private ChunkManager cm = parts.manager();

  private ChunkParts parts() {
    return new ChunkParts("m", settings, state, new RoundRobinPlacement(), ticker,
        (h, l, d) -> ns.setChunkDigest(h, l, d));
  }

  private void register(String... ids) {
    for (String id : ids) {
      parts.protocol().register(new RegisterRequest(id, 7000, 1L << 40, 0, 1L << 40, ""), "10.0.0.1");
      parts.protocol().report(new ReplicaReportRequest(id, true, 0, true, List.of(), List.of()));
    }
  }

  private void report(String id, long handle, long digest) {
    parts.protocol().report(new ReplicaReportRequest(id, false, 0, false,
        List.of(new ReplicaInfo(handle, 1, LENGTH, digest)), List.of()));
  }

  /** {@code client} allocated {@code handle} and wrote it to {@code nodes}, which reported it. */
  private void written(String client, long handle, String... nodes) {
    cm.allocated(client, handle);
    for (String n : nodes) {
      report(n, handle, DIGEST);
    }
  }

  private List<Long> deletes(String id) {
    return parts.protocol().pulse(new PulseRequest(id, 1L << 40, 0, 1L << 40, 0)).commands().stream()
        .filter(c -> c.kind() == ChunkCommand.Kind.DELETE).map(ChunkCommand::handle)
        .collect(Collectors.toList());
  }

  /** Time passes in steps; every node pulses and the master ticks after each. */
  private void pass(Duration d, Duration step, Runnable eachStep, String... nodes) {
    for (Duration t = Duration.ZERO; t.compareTo(d) < 0; t = t.plus(step)) {
      ticker.advance(step);
      eachStep.run();
      for (String n : nodes) {
        assertEquals(List.of(), deletes(n), "nothing deleted on " + n + " at " + t.plus(step));
      }
      parts.tick().run();
    }
  }

  private static CommitChunk chunk(long handle, String... named) {
    return new CommitChunk(handle, 1, LENGTH, DIGEST, List.of(named), Sha256.NONE);
  }

  private void commit(String path, CommitChunk c) {
    List<String> confirmed = cm.confirm(path, c, 2);
    ns.commit(path, false, 2, 1 << 20, List.of(new ChunkRecord(c.handle(), 1, LENGTH, DIGEST)), 0, Namespace.SYSTEM);
    cm.committed(path, c);
    assertEquals(confirmed, cm.holders(c.handle()));
  }

  @Test
  void aRenewedLeaseKeepsAThirtyMinuteUploadsChunks() {
    register("n1", "n2");
    written("slow", 10, "n1", "n2");
    // Far past the lease timeout and the old 10-minute pending lifetime; renewed every 30 s.
    pass(Duration.ofMinutes(30), Duration.ofSeconds(30),
        () -> assertEquals(List.of(), cm.renewLease("slow", List.of(10L))), "n1", "n2");
    commit("/slow", chunk(10, "n1", "n2"));
    assertEquals(List.of("n1", "n2"), cm.holders(10));
    assertEquals("HEALTHY", cm.fsck("/").status());
  }

  @Test
  void anExpiredLeasesChunksAreCollectedAndCannotCommit() {
    register("n1", "n2");
    cm.allocated("dead", 20);
    cm.allocated("alive", 21);
    report("n1", 20, DIGEST);
    report("n2", 20, DIGEST);
    report("n1", 21, DIGEST);
    // "alive" renews; "dead" was killed after its allocation.
    pass(LEASE.minusSeconds(30), Duration.ofSeconds(30),
        () -> cm.renewLease("alive", List.of(21L)), "n1", "n2");
    ticker.advance(Duration.ofSeconds(30));
    cm.renewLease("alive", List.of(21L));
    parts.tick().run();
    assertEquals(List.of(20L), deletes("n1"), "the dead writer's replica, not the live one's");
    assertEquals(List.of(20L), deletes("n2"));
    MetadataException e = assertThrows(MetadataException.class,
        () -> cm.confirm("/dead", chunk(20, "n1", "n2"), 2));
    assertEquals(Status.LEASE_EXPIRED, e.status());
    assertTrue(e.getMessage().startsWith("chunk " + ChunkHandles.format(20) + " of '/dead' was"
        + " released: its writer's lease expired"), e.getMessage());
    // A writer that comes back after its lease expired learns its chunk is gone.
    assertEquals(List.of(20L), cm.renewLease("dead", List.of(20L)));
  }

  @Test
  void aLeaseNoticedExpiredOnlyAtTheNextContactIsReleasedToo() {
    register("n1", "n2");
    written("c", 30, "n1", "n2");
    ticker.advance(LEASE);
    // No tick ran: the renewal itself finds the lease expired.
    assertEquals(List.of(30L), cm.renewLease("c", List.of(30L)));
    assertThrows(MetadataException.class, () -> cm.confirm("/c", chunk(30, "n1", "n2"), 2));
  }

  @Test
  void aCommitWaitsForALateReport() {
    register("n1", "n2", "n3");
    cm.allocated("c", 40);
    report("n1", 40, DIGEST);
    CompletableFuture<Void> f = cm.awaitConfirmed("c", "/w", List.of(chunk(40, "n1", "n2")), 3,
        WAIT);
    assertFalse(f.isDone(), "one confirmed replica of the two needed");
    report("n3", 40, 5); // other content: no confirmation
    assertFalse(f.isDone());
    report("n2", 40, DIGEST);
    assertTrue(f.isDone(), "woken by the report that completes it");
    commit("/w", chunk(40, "n1", "n2", "n3"));
    assertEquals(List.of("n1", "n2"), cm.holders(40), "the named n3 never confirmed");
    FsckResponse fsck = cm.fsck("/");
    assertEquals("HEALTHY", fsck.status(), "goal 2, two confirmed: " + fsck);
  }

  @Test
  void aCommitWaitsBrieflyForEveryReplicaItNamesThenForTheMinimum() {
    register("n1", "n2", "n3");
    // All three named replicas report: the commit records all three (full replication on return).
    cm.allocated("c", 70);
    report("n1", 70, DIGEST);
    report("n2", 70, DIGEST);
    CompletableFuture<Void> all = cm.awaitConfirmed("c", "/all",
        List.of(chunk(70, "n1", "n2", "n3")), 3, WAIT);
    assertFalse(all.isDone(), "two of the three named: the third's report is on its way");
    report("n3", 70, DIGEST);
    assertTrue(all.isDone());
    assertEquals(List.of("n1", "n2", "n3"), cm.confirm("/all", chunk(70, "n1", "n2", "n3"), 3));
    // A named node that never reports (it died after acknowledging): after the strict phase the
    // minimum is enough, well before the whole wait.
    cm.allocated("c", 71);
    report("n1", 71, DIGEST);
    report("n2", 71, DIGEST);
    CompletableFuture<Void> some = cm.awaitConfirmed("c", "/some",
        List.of(chunk(71, "n1", "n2", "n3")), 3, WAIT);
    ticker.advance(ChunkManager.ALL_NAMED_WAIT.minusMillis(1));
    cm.expireCommitWaits();
    assertFalse(some.isDone());
    ticker.advance(Duration.ofMillis(1));
    cm.expireCommitWaits();
    assertTrue(some.isDone(), "the minimum, once every named replica had its chance");
    assertEquals(List.of("n1", "n2"), cm.confirm("/some", chunk(71, "n1", "n2", "n3"), 3));
  }

  @Test
  void aCommitOfReplicasNeverReportedIsRefusedAfterTheWait() {
    register("n1", "n2", "n3");
    cm.allocated("c", 50);
    report("n1", 50, DIGEST);
    CompletableFuture<Void> f = cm.awaitConfirmed("c", "/n", List.of(chunk(50, "n1", "n2", "n3")),
        3, WAIT);
    ticker.advance(WAIT.minusMillis(1));
    cm.expireCommitWaits();
    assertFalse(f.isDone());
    ticker.advance(Duration.ofMillis(1));
    cm.expireCommitWaits();
    assertTrue(f.isDone(), "the wait ends on the ticker");
    MetadataException e = assertThrows(MetadataException.class,
        () -> cm.confirm("/n", chunk(50, "n1", "n2", "n3"), 3));
    assertEquals(Status.UNAVAILABLE, e.status());
    assertEquals("chunk " + ChunkHandles.format(50) + " of '/n' has 1 replicas confirmed by"
        + " chunkserver reports (need at least 2; the writer named [n1, n2, n3]): reports did not"
        + " arrive in time or the replicas are gone", e.getMessage());
  }

  @Test
  void aReplicaForgottenByItsNodesFullReportNoLongerCounts() {
    register("n1", "n2");
    written("c", 60, "n1", "n2");
    // n2 restarts with a wiped disk: its new full report does not list the replica.
    parts.protocol().register(new RegisterRequest("n2", 7000, 1L << 40, 0, 1L << 40, ""), "10.0.0.1");
    parts.protocol().report(new ReplicaReportRequest("n2", true, 0, true, List.of(), List.of()));
    assertThrows(MetadataException.class, () -> cm.confirm("/f", chunk(60, "n1", "n2"), 2));
  }

  @Test
  void aRestartedMasterReLearnsHandlesFromRenewals() {
    // The previous incarnation reserved handles up to 100; "writer" holds 70, nobody holds 80.
    parts = parts();
    cm = parts.manager();
    cm.inherit(100, new long[0]);
    register("n1", "n2");
    report("n1", 70, DIGEST);
    report("n2", 70, DIGEST);
    report("n1", 80, DIGEST);
    assertEquals(List.of(150L), cm.renewLease("writer", List.of(70L, 150L)),
        "150 was never handed out");
    // Long past the inheritance window (one lease timeout): 70 is kept while renewed.
    pass(LEASE.minusSeconds(30), Duration.ofSeconds(30),
        () -> cm.renewLease("writer", List.of(70L)), "n1", "n2");
    ticker.advance(Duration.ofSeconds(30));
    cm.renewLease("writer", List.of(70L));
    parts.tick().run();
    assertEquals(List.of(80L), deletes("n1"), "the unclaimed write is collected, 70 kept");
    pass(Duration.ofMinutes(10), Duration.ofSeconds(30),
        () -> cm.renewLease("writer", List.of(70L)), "n1", "n2");
    commit("/relearned", chunk(70, "n1", "n2"));
    // After the window, a handle nobody claimed is not adopted any more.
    assertEquals(List.of(90L), cm.renewLease("late", List.of(90L)));
  }
}
