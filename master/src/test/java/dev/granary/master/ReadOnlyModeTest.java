package dev.granary.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.journal.FaultyStorage;
import dev.granary.master.journal.LogDiskMonitor;
import dev.granary.master.journal.MetadataStore;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.net.DeleteHandler;
import dev.granary.master.net.ListHandler;
import dev.granary.master.net.MkdirHandler;
import dev.granary.master.net.PeerContext;
import dev.granary.master.security.Caller;
import dev.granary.master.net.RenameHandler;
import dev.granary.master.net.StatHandler;
import dev.granary.master.placement.RoundRobinPlacement;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.replication.ChunkParts;
import dev.granary.master.state.MasterState;
import dev.granary.master.testing.MutableClock;
import dev.granary.master.testing.Poll;
import dev.granary.master.testing.MutableTicker;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable before visible, and the read-only mode, with faults injected below the operation log:
 * what a client was told failed is nowhere, before or after a restart; what it reads was durable.
 */
class ReadOnlyModeTest {
  private static final PeerContext PEER = new PeerContext("127.0.0.1", null, "", Caller.UNSECURED);
  private static final ChunkManager.Settings SETTINGS = new ChunkManager.Settings(
      Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30), 1 << 20, 1, 1,
      Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(30), 10, 64L << 20);

  @TempDir
  Path dir;
  private final FaultyStorage storage = new FaultyStorage();
  private final MutableTicker ticker = new MutableTicker();
  private final MutableClock clock = new MutableClock(1_000_000);
  private MetadataStore store;
  private MetadataService service;
  /** The handlers under test, as the dispatcher calls them. */
  private MkdirHandler mkdirs;
  private DeleteHandler deletes;
  private RenameHandler renames;
  private StatHandler stats;
  private ListHandler lists;
  private LogDiskMonitor monitor;
  private long opId;

  @AfterEach
  void tearDown() {
    storage.releaseForces();
    if (store != null) {
      store.close();
    }
  }

  private void open() throws IOException {
    MasterState.Opened opened = MasterState.open(lock -> MetadataStore.open(dir, 1_000_000, "t",
        storage, lock));
    store = opened.store();
    ChunkManager chunks = new ChunkParts("t", SETTINGS, opened.state(), new RoundRobinPlacement(),
        ticker, new JournaledDigestLog(store, clock)).manager();
    service = new MetadataService(opened.state(), store, chunks, clock, 3);
    mkdirs = new MkdirHandler(service, clock);
    deletes = new DeleteHandler(service, clock);
    renames = new RenameHandler(service, clock);
    stats = new StatHandler(service);
    lists = new ListHandler(service);
    monitor = new LogDiskMonitor(store, storage, ticker, "t");
  }

  private void restart() throws IOException {
    store.close();
    storage.heal();
    open();
  }

  private CompletableFuture<Message> mkdir(String path) {
    return mkdirs.handle(new MkdirRequest("c", ++opId, path, true), PEER);
  }

  /** The status a future or call failed with. */
  private static MetadataException failure(Supplier<CompletableFuture<Message>> call) {
    try {
      call.get().get(10, TimeUnit.SECONDS);
    } catch (MetadataException e) {
      return e;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof MetadataException m) {
        return m;
      }
      throw new AssertionError("failed with " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  private boolean exists(String path) {
    try {
      stats.handle(new StatRequest(path), PEER).join();
      return true;
    } catch (MetadataException e) {
      assertEquals(Status.NOT_FOUND, e.status(), e.getMessage());
      return false;
    } catch (CompletionException e) {
      MetadataException m = (MetadataException) e.getCause();
      assertEquals(Status.NOT_FOUND, m.status(), m.getMessage());
      return false;
    }
  }

  private List<String> ls(String path) {
    ListResponse r = (ListResponse) lists.handle(new ListRequest(path, "", 1000), PEER).join();
    return r.entries().stream().map(FileEntry::path).collect(Collectors.toList());
  }


  private String refusalLine() {
    return "master is read-only: cannot write its operation log in " + dir + ": "
        + FaultyStorage.NO_SPACE + "; free space and it resumes by itself";
  }

  @Test
  void aMutationThatCannotBeLoggedLeavesNoTraceAndTheMasterTurnsReadOnly() throws Exception {
    open();
    mkdir("/a/b").join();
    storage.fill();
    MetadataException e = failure(() -> mkdir("/x"));
    assertEquals(Status.READ_ONLY, e.status());
    assertEquals(refusalLine(), e.getMessage());
    assertTrue(store.readOnly());
    assertFalse(exists("/x"));
    assertEquals(List.of("/a"), ls("/"));
    assertTrue(exists("/a/b"), "reads are served");
    // Refused at once now, every kind of mutation, allocation included.
    for (Supplier<CompletableFuture<Message>> m : List.<Supplier<CompletableFuture<Message>>>of(
        () -> mkdir("/y"),
        () -> deletes.handle(new DeleteRequest("c", ++opId, "/a", true), PEER),
        () -> renames.handle(new RenameRequest("c", ++opId, "/a", "/z"), PEER),
        () -> service.allocate(new AllocateChunkRequest("c", "/f", 1, List.of()), Caller.UNSECURED),
        () -> service.commit(new CommitFileRequest("c", ++opId, "/f", false, 1, 0, List.of(), 0),
            Caller.UNSECURED))) {
      MetadataException r = assertThrows(MetadataException.class, m::get);
      assertEquals(Status.READ_ONLY, r.status());
      assertEquals(refusalLine(), r.getMessage());
    }
    assertEquals(List.of("/a"), ls("/"));
    restart();
    assertEquals(List.of("/a"), ls("/"));
    assertTrue(exists("/a/b"));
    assertFalse(exists("/x"));
  }

  @Test
  void aDeleteAndARenameThatFailAreUndoneWholeSubtreesIncluded() throws Exception {
    open();
    mkdir("/d/e/f").join();
    mkdir("/d/g").join();
    storage.failForces();
    MetadataException e = failure(() -> deletes.handle(new DeleteRequest("c", ++opId, "/d",
        true), PEER));
    assertEquals(Status.READ_ONLY, e.status());
    assertEquals("master is read-only: cannot write its operation log in " + dir
        + ": Input/output error; it resumes by itself once the log can be written again",
        e.getMessage());
    assertEquals(List.of("/d/e", "/d/g"), ls("/d"));
    assertTrue(exists("/d/e/f"));
    storage.heal();
    monitor.run();
    assertFalse(store.readOnly());
    storage.failForces();
    failure(() -> renames.handle(new RenameRequest("c", ++opId, "/d", "/moved"), PEER));
    assertEquals(List.of("/d"), ls("/"));
    assertTrue(exists("/d/e/f"));
    restart();
    assertEquals(List.of("/d"), ls("/"));
    assertEquals(List.of("/d/e", "/d/g"), ls("/d"));
  }

  @Test
  void aReadAnswersOnlyOnceWhatItSawIsDurable() throws Exception {
    open();
    mkdir("/a").join();
    assertTrue(stats.handle(new StatRequest("/a"), PEER).isDone(),
        "nothing pending: answered at once");
    storage.holdForces();
    CompletableFuture<Message> m = mkdir("/p");
    Poll.until("the mkdir's fsync is held", Duration.ofSeconds(10),
        () -> storage.forcesHeld() == 1);
    CompletableFuture<Message> stat = stats.handle(new StatRequest("/p"), PEER);
    CompletableFuture<Message> list = lists.handle(new ListRequest("/", "", 100), PEER);
    CompletableFuture<Message> missing = stats.handle(new StatRequest("/q"), PEER);
    assertFalse(stat.isDone());
    assertFalse(list.isDone());
    assertFalse(missing.isDone(), "a NOT_FOUND waits too");
    assertFalse(m.isDone());
    storage.releaseForces();
    assertEquals("/p", ((StatResponse) stat.get(10, TimeUnit.SECONDS)).entry().path());
    assertEquals(2, ((ListResponse) list.get(10, TimeUnit.SECONDS)).entries().size());
    assertEquals(Status.NOT_FOUND, failure(() -> missing).status());
    m.get(10, TimeUnit.SECONDS);
  }

  @Test
  void readsWaitingWhenTheLogFailsAreAnsweredFromTheRestoredImage() throws Exception {
    open();
    mkdir("/a").join();
    storage.holdForces();
    storage.failForces();
    CompletableFuture<Message> m = mkdir("/x");
    Poll.until("the mkdir's fsync is held", Duration.ofSeconds(10),
        () -> storage.forcesHeld() == 1);
    CompletableFuture<Message> stat = stats.handle(new StatRequest("/x"), PEER);
    CompletableFuture<Message> list = lists.handle(new ListRequest("/", "", 100), PEER);
    storage.releaseForces();
    assertEquals(Status.READ_ONLY, failure(() -> m).status());
    assertEquals(Status.NOT_FOUND, failure(() -> stat).status());
    assertEquals(List.of("/a"), ((ListResponse) list.get(10, TimeUnit.SECONDS)).entries()
        .stream().map(FileEntry::path).collect(Collectors.toList()));
  }

  @Test
  void resumesByItselfWhenSpaceReturnsAndARetryOfTheUndoneMutationRunsAnew() throws Exception {
    open();
    mkdir("/a").join();
    storage.fill();
    MkdirRequest x = new MkdirRequest("c", ++opId, "/x", false);
    assertEquals(Status.READ_ONLY, failure(() -> mkdirs.handle(x, PEER)).status());
    monitor.run();
    assertTrue(store.readOnly(), "still full");
    storage.heal();
    storage.setSpace(MetadataStore.MIN_FREE_TO_WRITE - 1, 1L << 30);
    monitor.run();
    assertTrue(store.readOnly(), "resumes only with " + MetadataStore.MIN_FREE_TO_WRITE + " free");
    storage.setSpace(1L << 30, 1L << 31);
    monitor.run();
    assertFalse(store.readOnly());
    // The client's retry of the refused mkdir: executed, not answered with the old refusal.
    StatResponse r = (StatResponse) mkdirs.handle(x, PEER).get(10, TimeUnit.SECONDS);
    assertEquals("/x", r.entry().path());
    mkdir("/y").get(10, TimeUnit.SECONDS);
    restart();
    assertEquals(List.of("/a", "/x", "/y"), ls("/"));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.filter(p -> p.getFileName().toString().startsWith("oplog-")).count(),
          "the log went on in a new segment after the last durable record");
    }
  }

  @Test
  void startsReadOnlyOnAFullDiskServesReadsAndResumes() throws Exception {
    open();
    mkdir("/a/b").join();
    store.close();
    storage.fill();
    open();
    assertTrue(store.readOnly());
    assertTrue(exists("/a/b"));
    assertEquals(Status.READ_ONLY, assertThrows(MetadataException.class,
        () -> mkdir("/c")).status());
    storage.heal();
    monitor.run();
    assertFalse(store.readOnly());
    mkdir("/c").get(10, TimeUnit.SECONDS);
    restart();
    assertEquals(List.of("/a", "/c"), ls("/"));
  }

  @Test
  void warnsBeforeTheDiskIsFullAtMostOnceAMinute() throws Exception {
    open();
    assertEquals(1L << 30, LogDiskMonitor.warnThreshold(1L << 40), "1 GiB on a big disk");
    assertEquals(262_140, LogDiskMonitor.warnThreshold(5L << 20), "5% on a small one");
    storage.setSpace(2L << 30, 100L << 30);
    monitor.run();
    assertEquals(0, monitor.warnings());
    storage.setSpace(500L << 20, 100L << 30);
    monitor.run();
    monitor.run();
    assertEquals(1, monitor.warnings());
    ticker.advance(Duration.ofSeconds(59));
    monitor.run();
    assertEquals(1, monitor.warnings());
    ticker.advance(Duration.ofSeconds(1));
    monitor.run();
    assertEquals(2, monitor.warnings());
    assertFalse(store.readOnly(), "a warning, not read-only: the log still writes");
    mkdir("/a").get(10, TimeUnit.SECONDS);
  }
}
