package dev.granary.master.net;

import static dev.granary.master.testing.WireHarness.call;
import static dev.granary.master.testing.WireHarness.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import dev.granary.wire.Sha256;
import dev.granary.config.ConfigException;
import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.journal.CorruptJournalException;
import dev.granary.master.testing.MutableClock;
import dev.granary.master.testing.Poll;
import dev.granary.master.testing.WireHarness;
import dev.granary.master.testing.MutableTicker;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.FsckRequest;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.RenewLeaseRequest;
import dev.granary.wire.msg.RenewLeaseResponse;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real master on loopback, a test client and fake chunkservers speaking the protocol. */
class MasterServerWireTest {
  private static final Duration T = Duration.ofSeconds(10);
  @TempDir
  Path tmp;
  @RegisterExtension
  final WireHarness wire = new WireHarness();

  private MasterConfig config(Path dir, int port) {
    return new MasterConfig("127.0.0.1", port, dir, 1 << 20, 3, 2, Duration.ofMillis(100),
        Duration.ofSeconds(5), Duration.ofSeconds(30), "round-robin", 100_000, 2);
  }

  private MasterServer start(Path dir) throws IOException {
    return start(new MasterServer(config(dir, 0)));
  }

  private MasterServer start(MasterServer m) throws IOException {
    return wire.start(m);
  }

  private Connection connect(MasterServer m, Role role, String id) throws Exception {
    return wire.connect(m, role, id);
  }

  private Connection chunkserver(MasterServer m, String id) throws Exception {
    return chunkserver(m, id, List.of());
  }

  private Connection chunkserver(MasterServer m, String id, List<ReplicaInfo> replicas)
      throws Exception {
    Connection c = connect(m, Role.CHUNKSERVER, id);
    RegisterResponse r = call(c, new RegisterRequest(id, 9000 + id.hashCode() % 100, 1L << 40, 0,
        1L << 40, ""));
    assertEquals(m.clusterId(), r.clusterId());
    assertEquals(m.masterId(), r.masterId());
    assertEquals("127.0.0.1", r.observedHost());
    assertEquals(100, r.pulseIntervalMillis());
    call(c, new ReplicaReportRequest(id, true, 0, true, replicas, List.of()));
    return c;
  }

  /** A chunkserver's incremental report of a replica it stored, as it sends before WRITE_DONE. */
  private static void stored(Connection cs, String id, long handle, long length, long digest)
      throws Exception {
    call(cs, new ReplicaReportRequest(id, false, 0, false,
        List.of(new ReplicaInfo(handle, 1, length, digest)), List.of()));
  }

  private static void storedOnPipeline(List<Connection> cs, AllocateChunkResponse a, long length,
      long digest) throws Exception {
    for (NodeAddress n : a.pipeline()) {
      stored(cs.get(Integer.parseInt(n.id().substring(2)) - 1), n.id(), a.handle(), length,
          digest);
    }
  }


  private static void await(BooleanSupplier condition, String what) {
    Poll.until(what, Duration.ofSeconds(10), condition);
  }

  @Test
  void eachMessageIsAcceptedOnlyFromTheRoleThatSendsIt() throws Exception {
    MasterServer m = start(tmp.resolve("master"));
    Connection client = connect(m, Role.CLIENT, "c1");
    // A client cannot join as a chunkserver, pulse, or report replicas it does not hold.
    assertEquals(Status.DENIED, error(client, new RegisterRequest("fake", 9000, 1L << 40, 0,
        1L << 40, "")));
    assertEquals(Status.DENIED, error(client, new PulseRequest("fake", 1L << 40, 0, 1L << 40, 0)));
    assertEquals(Status.DENIED, error(client, new ReplicaReportRequest("fake", true, 0, true,
        List.of(new ReplicaInfo(1, 1, 5, 7)), List.of())));
    ClusterStatusResponse st = call(client, new ClusterStatusRequest());
    assertTrue(st.nodes().isEmpty(), "nothing registered: " + st.nodes());
    // A chunkserver cannot change the namespace; both may ping.
    Connection cs = chunkserver(m, "cs1");
    assertEquals(Status.DENIED, error(cs, new MkdirRequest("cs1", 1, "/x", false)));
    assertEquals(Status.NOT_FOUND, error(client, new StatRequest("/x")));
    assertTrue(call(cs, new dev.granary.wire.msg.Ping()) instanceof dev.granary.wire.msg.Pong);
    assertTrue(call(client, new dev.granary.wire.msg.Ping()) instanceof dev.granary.wire.msg.Pong);
  }

  @Test
  void aStepOfTheWallClockDeclaresNobodyDeadAndExpiresNothing() throws Exception {
    // pulseInterval 100 ms, deadAfter 5 s; the wall clock jumps an hour forward, then back.
    MutableClock wall = new MutableClock(1_000_000_000L);
    MasterServer m = start(new MasterServer(config(tmp.resolve("master"), 0), wall,
        Ticker.systemTicker()));
    Connection cs = chunkserver(m, "cs1");
    Connection client = connect(m, Role.CLIENT, "c1");
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/f", 1, List.of()));
    for (Duration step : List.of(Duration.ofHours(1), Duration.ofHours(-2))) {
      wall.advance(step);
      // Several ticks (every 50 ms) pass with the stepped wall clock while the node pulses.
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      while (System.nanoTime() < until) {
        PulseResponse p = call(cs, new PulseRequest("cs1", 1L << 40, 0, 1L << 40, 0));
        assertTrue(p.commands().isEmpty(), "no command after a wall-clock step: " + p);
        Thread.onSpinWait();
      }
      ClusterStatusResponse st = call(client, new ClusterStatusRequest());
      assertEquals("LIVE", st.nodes().get(0).state(), "after a step of " + step);
    }
    // The allocation made before the steps is still protected: its commit is accepted.
    stored(cs, "cs1", a.handle(), 5, 7);
    CommitFileResponse done = call(client, new CommitFileRequest("c1", 1, "/f", false, 1,
        1 << 20, List.of(new CommitChunk(a.handle(), 1, 5, 7, List.of("cs1"), Sha256.NONE))));
    assertEquals(5, done.file().size());
  }

  @Test
  void aCommitAskingForASpareAllocationGetsOneOnce() throws Exception {
    MasterServer m = start(tmp.resolve("master"));
    List<Connection> cs = List.of(chunkserver(m, "cs1"), chunkserver(m, "cs2"),
        chunkserver(m, "cs3"));
    Connection client = connect(m, Role.CLIENT, "c1");
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/f", 3, List.of()));
    List<String> ids = a.pipeline().stream().map(NodeAddress::id).collect(Collectors.toList());
    storedOnPipeline(cs, a, 5, 1234);
    CommitFileRequest commit = new CommitFileRequest("c1", 1, "/f", false, 3, 1 << 20,
        List.of(new CommitChunk(a.handle(), 1, 5, 1234, ids, Sha256.NONE)), 3);
    CommitFileResponse first = call(client, commit);
    AllocateChunkResponse spare = first.spare();
    assertEquals(3, spare.pipeline().size());
    assertTrue(spare.handle() > a.handle());
    // A retried commit is answered as the original, without a second spare.
    CommitFileResponse again = call(client, commit);
    assertEquals(first.file(), again.file());
    assertNull(again.spare());
    // The spare is a real allocation: the next file commits with it.
    List<String> spareIds = spare.pipeline().stream().map(NodeAddress::id)
        .collect(Collectors.toList());
    storedOnPipeline(cs, spare, 5, 99);
    CommitFileResponse second = call(client, new CommitFileRequest("c1", 2, "/g", false, 3,
        1 << 20, List.of(new CommitChunk(spare.handle(), 1, 5, 99, spareIds, Sha256.NONE))));
    assertNull(second.spare(), "none asked for");
    LookupResponse lookup = call(client, new LookupRequest("/g", 0, 10));
    assertEquals(spare.handle(), lookup.chunks().get(0).handle());
    client.close();
    cs.forEach(Connection::close);
    m.close();
  }

  @Test
  void fullLifecycleOverTheWireAndRestart() throws Exception {
    Path dir = tmp.resolve("master");
    MasterServer m = start(dir);
    List<Connection> cs = List.of(chunkserver(m, "cs1"), chunkserver(m, "cs2"),
        chunkserver(m, "cs3"));
    Connection client = connect(m, Role.CLIENT, "c1");

    StatResponse dir1 = call(client, new MkdirRequest("c1", 1, "/dir", false));
    assertTrue(dir1.entry().directory());
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/dir/f", 3,
        List.of()));
    assertEquals(1, a.version());
    assertEquals(3, a.pipeline().size());
    assertEquals(3, a.pipeline().stream().map(NodeAddress::id).distinct().count());
    List<String> ids = a.pipeline().stream().map(NodeAddress::id).collect(Collectors.toList());
    storedOnPipeline(cs, a, 5, 1234);
    CommitFileRequest commit = new CommitFileRequest("c1", 2, "/dir/f", false, 3, 1 << 20,
        List.of(new CommitChunk(a.handle(), 1, 5, 1234, ids, Sha256.NONE)));
    CommitFileResponse committed = call(client, commit);
    assertEquals(5, committed.file().size());
    // A retried commit is answered as the original, not with ALREADY_EXISTS.
    CommitFileResponse again = call(client, commit);
    assertEquals(committed, again);
    assertEquals(Status.ALREADY_EXISTS, error(client, new CommitFileRequest("c1", 3, "/dir/f",
        false, 3, 1 << 20, List.of())));
    assertEquals(Status.INVALID_ARGUMENT, error(client, new CommitFileRequest("c1", 4, "/dir/g",
        false, 3, 1 << 20, List.of(new CommitChunk(a.handle() + 999_999, 1, 5, 1, ids,
            Sha256.NONE)))));
    // A committed chunk is no upload in progress: it cannot be committed into another file.
    assertEquals(Status.LEASE_EXPIRED, error(client, new CommitFileRequest("c1", 5, "/dir/g",
        false, 3, 1 << 20, List.of(new CommitChunk(a.handle(), 1, 5, 1234, ids,
            Sha256.NONE)))));

    LookupResponse lookup = call(client, new LookupRequest("/dir/f", 0, 10));
    assertEquals(1, lookup.chunks().size());
    assertEquals(a.handle(), lookup.chunks().get(0).handle());
    assertEquals(3, lookup.chunks().get(0).replicas().size());
    assertTrue(lookup.locationsComplete());
    assertEquals(Status.IS_A_DIRECTORY, error(client, new LookupRequest("/dir", 0, 10)));
    assertEquals(Status.NOT_FOUND, error(client, new LookupRequest("/nope", 0, 10)));

    ListResponse list = call(client, new ListRequest("/dir", "", 100));
    assertEquals(List.of("/dir/f"), list.entries().stream().map(e -> e.path())
        .collect(Collectors.toList()));
    assertEquals(Status.NOT_FOUND, error(client, new RenameRequest("c1", 6, "/dir/f",
        "/dir2/g")));
    call(client, new MkdirRequest("c1", 7, "/dir2", false));
    StatResponse renamed = call(client, new RenameRequest("c1", 8, "/dir/f", "/dir2"));
    assertEquals("/dir2/f", renamed.entry().path());
    ClusterStatusResponse status = call(client, new ClusterStatusRequest());
    assertEquals(3, status.nodes().size());
    assertEquals(1, status.files());
    FsckResponse fsck = call(client, new FsckRequest("/"));
    assertEquals("HEALTHY", fsck.status());

    // A refused mutation is remembered too: its retry gets the same error even though the
    // state has changed since.
    DeleteRequest deleteMissing = new DeleteRequest("c1", 20, "/later", false);
    assertEquals(Status.NOT_FOUND, error(client, deleteMissing));
    call(client, new MkdirRequest("c1", 21, "/later", false));
    assertEquals(Status.NOT_FOUND, error(client, deleteMissing));

    // Restart on the same data dir: everything is still there, retries still recognised.
    String id = m.masterId();
    m.close();
    MasterServer m2 = start(dir);
    assertEquals(id, m2.masterId());
    Connection client2 = connect(m2, Role.CLIENT, "c1");
    StatResponse st = call(client2, new StatRequest("/dir2/f"));
    assertEquals(5, st.entry().size());
    assertEquals(committed, call(client2, commit));
    StatResponse mk = call(client2, new MkdirRequest("c1", 1, "/dir", false));
    assertEquals(dir1, mk, "retry cache rebuilt on replay");
    assertEquals(Status.NOT_FOUND, error(client2, deleteMissing));
    assertTrue(call(client2, new StatRequest("/later")) instanceof StatResponse);
    LookupResponse incomplete = call(client2, new LookupRequest("/dir2/f", 0, 10));
    assertFalse(incomplete.locationsComplete());
    Connection cs1 = connect(m2, Role.CHUNKSERVER, "cs1");
    assertEquals(Status.NOT_REGISTERED, error(cs1,
        new PulseRequest("cs1", 1L << 40, 0, 1L << 40, 0)));
    List<ReplicaInfo> held = List.of(new ReplicaInfo(a.handle(), 1, 5, 1234));
    cs = List.of(chunkserver(m2, "cs1", held), chunkserver(m2, "cs2", held),
        chunkserver(m2, "cs3", held));
    await(() -> {
      try {
        LookupResponse l = call(client2, new LookupRequest("/dir2/f", 0, 10));
        return l.locationsComplete() && l.chunks().get(0).replicas().size() == 3;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "locations rebuilt from the reports");
    AllocateChunkResponse a2 = call(client2, new AllocateChunkRequest("c1", "/x", 2, List.of()));
    assertTrue(a2.handle() > a.handle(), "handles are never reused across restarts");

    DeleteResponse del = call(client2, new DeleteRequest("c1", 9, "/dir2", true));
    assertEquals(1, del.files());
    assertEquals(1, del.directories());
    call(client2, new CommitFileRequest("c1", 10, "/dir/keep", false, 3, 1 << 20, List.of()));
    assertEquals(Status.NOT_EMPTY, error(client2, new DeleteRequest("c1", 11, "/dir", false)));
    // Deleted file's replicas: the chunkservers that hold them are told to delete.
    List<Connection> holders = cs;
    await(() -> {
      try {
        for (Connection c : holders) {
          PulseResponse p = call(c, new PulseRequest(c == holders.get(0) ? "cs1"
              : c == holders.get(1) ? "cs2" : "cs3", 1L << 40, 0, 1L << 40, 0));
          for (ChunkCommand cmd : p.commands()) {
            if (cmd.kind() == ChunkCommand.Kind.DELETE && cmd.handle() == a.handle()) {
              return true;
            }
          }
        }
        return false;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "a DELETE for the deleted file's chunk");
  }

  @Test
  void serverDefaultsComeFromTheConfig() throws Exception {
    MasterServer m = start(tmp.resolve("defaults"));
    Connection c = connect(m, Role.CLIENT, "client-defaults");
    dev.granary.wire.msg.ServerDefaultsResponse d =
        call(c, new dev.granary.wire.msg.ServerDefaultsRequest());
    assertEquals(1 << 20, d.chunkSize());
    assertEquals(3, d.replication());
    assertEquals(2, d.minReplicas());
  }

  @Test
  void takenPortIsAOneLineConfigError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      MasterServer m = new MasterServer(config(tmp.resolve("p"), taken.getLocalPort()));
      wire.closeAtEnd(m);
      ConfigException e = assertThrows(ConfigException.class, m::start);
      assertTrue(e.getMessage().startsWith("master.port " + taken.getLocalPort()
          + ": address already in use"), e.getMessage());
    }
  }

  @Test
  void unusableDataDirIsAOneLineConfigError() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    MasterServer m = new MasterServer(config(file.resolve("sub"), 0));
    wire.closeAtEnd(m);
    ConfigException e = assertThrows(ConfigException.class, m::start);
    assertTrue(e.getMessage().startsWith("master.dataDir " + file.resolve("sub")),
        e.getMessage());
  }

  @Test
  void corruptJournalStopsStartUp() throws Exception {
    Path dir = tmp.resolve("c");
    MasterServer m = start(dir);
    Connection client = connect(m, Role.CLIENT, "c1");
    for (int i = 0; i < 3; i++) {
      call(client, new MkdirRequest("c1", i, "/d" + i, false));
    }
    m.close();
    Path seg;
    try (var s = Files.list(dir)) {
      seg = s.filter(p -> p.getFileName().toString().startsWith("oplog-")).findFirst()
          .orElseThrow();
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(seg));
    lines.set(1, "{not json");
    Files.write(seg, lines);
    MasterServer broken = new MasterServer(config(dir, 0));
    wire.closeAtEnd(broken);
    CorruptJournalException e = assertThrows(CorruptJournalException.class, broken::start);
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void aCommitWaitsForALateReportAndRecordsOnlyReportedReplicas() throws Exception {
    MasterServer m = start(tmp.resolve("master"));
    List<Connection> cs = List.of(chunkserver(m, "cs1"), chunkserver(m, "cs2"),
        chunkserver(m, "cs3"));
    Connection client = connect(m, Role.CLIENT, "c1");
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/late", 3, List.of()));
    List<String> ids = a.pipeline().stream().map(NodeAddress::id).collect(Collectors.toList());
    // Only the head has reported when the commit arrives; it names all three.
    stored(cs.get(Integer.parseInt(ids.get(0).substring(2)) - 1), ids.get(0), a.handle(), 5, 42);
    CompletableFuture<Message> commit = client.call(new CommitFileRequest("c1", 1, "/late",
        false, 3, 1 << 20, List.of(new CommitChunk(a.handle(), 1, 5, 42, ids, Sha256.NONE))), T);
    // The second replica's report arrives later; the third node never reports (or reports
    // different content): neither the commit's word nor a mismatched report makes a location.
    String second = ids.get(1);
    String third = ids.get(2);
    stored(cs.get(Integer.parseInt(third.substring(2)) - 1), third, a.handle(), 5, 999);
    stored(cs.get(Integer.parseInt(second.substring(2)) - 1), second, a.handle(), 5, 42);
    CommitFileResponse done = (CommitFileResponse) commit.get(10, TimeUnit.SECONDS);
    assertEquals(5, done.file().size());
    LookupResponse l = call(client, new LookupRequest("/late", 0, 1));
    assertEquals(List.of(ids.get(0), second), l.chunks().get(0).replicas().stream()
        .map(NodeAddress::id).collect(Collectors.toList()), "the head first, then reported");
    FsckResponse fsck = call(client, new FsckRequest("/"));
    assertEquals("DEGRADED", fsck.status(), "2 confirmed of 3 wanted is not healthy: " + fsck);
    assertEquals(1, fsck.underReplicated());
  }

  @Test
  void aCommitWhoseReplicasAreNeverReportedFailsUnavailableNamingTheChunk() throws Exception {
    MutableTicker ticker = new MutableTicker();
    MasterServer m = start(new MasterServer(config(tmp.resolve("master"), 0), Clock.systemUTC(),
        ticker));
    Connection cs1 = chunkserver(m, "cs1");
    chunkserver(m, "cs2");
    Connection client = connect(m, Role.CLIENT, "c1");
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/never", 2,
        List.of()));
    stored(cs1, "cs1", a.handle(), 5, 42);
    CompletableFuture<Message> commit = client.call(new CommitFileRequest("c1", 1, "/never",
        false, 2, 1 << 20, List.of(new CommitChunk(a.handle(), 1, 5, 42, List.of("cs1", "cs2"),
            Sha256.NONE))),
        T);
    // It waits for the reports on the master's ticker, however long the wall clock runs.
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    while (System.nanoTime() < until) {
      assertFalse(commit.isDone(), "answered before the wait for reports ran out: " + commit);
      Thread.onSpinWait();
    }
    ticker.advance(Duration.ofSeconds(6));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> commit.get(10, TimeUnit.SECONDS));
    RemoteException r = (RemoteException) e.getCause();
    assertEquals(Status.UNAVAILABLE, r.status());
    assertTrue(r.getMessage().contains("chunk " + ChunkHandles.format(a.handle())
        + " of '/never'"), r.getMessage());
    assertEquals(Status.NOT_FOUND, error(client, new StatRequest("/never")));
  }

  @Test
  void aRenewalTellsThePeriodAndWhichHandlesAreGone() throws Exception {
    MasterServer m = start(tmp.resolve("master"));
    chunkserver(m, "cs1");
    Connection client = connect(m, Role.CLIENT, "c1");
    AllocateChunkResponse a = call(client, new AllocateChunkRequest("c1", "/r", 1, List.of()));
    RenewLeaseResponse r = call(client, new RenewLeaseRequest("c1",
        List.of(a.handle(), a.handle() + 1000)));
    assertEquals(30_000, r.renewPeriodMillis(), "a quarter of the default 2m lease");
    assertEquals(120_000, r.leaseTimeoutMillis());
    assertEquals(List.of(a.handle() + 1000), r.releasedHandles(), "never allocated to c1");
  }
}
