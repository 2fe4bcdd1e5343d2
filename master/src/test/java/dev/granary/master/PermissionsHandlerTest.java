package dev.granary.master;

import static dev.granary.master.HandlerFixture.answer;
import static dev.granary.master.HandlerFixture.peer;
import static dev.granary.master.HandlerFixture.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.net.AllocateChunkHandler;
import dev.granary.master.net.CommitFileHandler;
import dev.granary.master.net.DeleteHandler;
import dev.granary.master.net.DeletionHoldHandler;
import dev.granary.master.net.FsckHandler;
import dev.granary.master.net.ListHandler;
import dev.granary.master.net.LookupHandler;
import dev.granary.master.net.MkdirHandler;
import dev.granary.master.net.PeerContext;
import dev.granary.master.net.RenameHandler;
import dev.granary.master.net.SetAttributesHandler;
import dev.granary.master.net.StatHandler;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.security.Caller;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.master.testing.MutableClock;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeletionHoldRequest;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.FsckRequest;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.SetAttributesResponse;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every namespace handler checks the caller of its connection: requests go through the handlers as
 * the dispatcher calls them, with a PeerContext carrying alice, bob or the superuser.
 */
class PermissionsHandlerTest {
  private static final ChunkTokenIssuer NO_TOKENS = HandlerFixture.NO_TOKENS;
  private static final PeerContext ROOT = peer(new Caller("admin", "admin", true));
  private static final PeerContext ALICE = peer(new Caller("alice", "staff", false));
  private static final PeerContext BOB = peer(new Caller("bob", "staff", false));

  @TempDir
  Path dir;
  private HandlerFixture fixture;
  private MutableClock clock;
  private MetadataService service;
  private ChunkManager chunks;
  private long opId;

  @BeforeEach
  void open() throws IOException {
    fixture = new HandlerFixture(dir);
    fixture.open();
    clock = fixture.clock;
    service = fixture.service;
    chunks = fixture.chunks;
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static void assertDenied(String naming,
      Supplier<CompletableFuture<? extends Message>> call) throws Exception {
    MetadataException e = refusal(call);
    assertEquals(Status.DENIED, e.status(), e.getMessage());
    assertTrue(e.getMessage().startsWith("permission denied: ") && e.getMessage().contains(naming),
        e.getMessage());
  }

  private Message mkdir(PeerContext who, String path) throws Exception {
    return answer(new MkdirHandler(service, clock).handle(new MkdirRequest("c", ++opId, path,
        true), who));
  }

  private Message chmod(PeerContext who, String path, int mode, boolean recursive)
      throws Exception {
    return answer(new SetAttributesHandler(service).handle(new SetAttributesRequest(path, mode,
        "", "", recursive), who));
  }

  @Test
  void bobIsRefusedWhatTheBitsDenyAliceAndTheSuperuserAreServed() throws Exception {
    mkdir(ROOT, "/home");
    chmod(ROOT, "/home", 0777, false);
    FileEntry made = ((StatResponse) mkdir(ALICE, "/home/alice/private")).entry();
    assertEquals(List.of("alice", "staff", 0755), List.of(made.owner(), made.group(),
        made.permission()));
    chmod(ALICE, "/home/alice", 0700, false);

    StatHandler stat = new StatHandler(service);
    ListHandler list = new ListHandler(service);
    LookupHandler lookup = new LookupHandler(service, NO_TOKENS);
    DeleteHandler delete = new DeleteHandler(service, clock);
    RenameHandler rename = new RenameHandler(service, clock);
    assertDenied("traverse /home/alice", () -> stat.handle(new StatRequest("/home/alice/private"),
        BOB));
    assertDenied("list /home/alice", () -> list.handle(new ListRequest("/home/alice", "", 10),
        BOB));
    assertDenied("/home/alice", () -> lookup.handle(new LookupRequest("/home/alice/f", 0, 10),
        BOB));
    assertDenied("traverse /home/alice", () -> new MkdirHandler(service, clock).handle(
        new MkdirRequest("c", ++opId, "/home/alice/x", false), BOB));
    assertDenied("/home/alice", () -> delete.handle(new DeleteRequest("c", ++opId,
        "/home/alice/private", true), BOB));
    chmod(ROOT, "/home", 0755, false);
    assertDenied("write /home (owner admin", () -> delete.handle(new DeleteRequest("c", ++opId,
        "/home/alice", true), BOB));
    chmod(ROOT, "/home", 0777, false);
    assertDenied("/home/alice", () -> rename.handle(new RenameRequest("c", ++opId,
        "/home/alice/private", "/home/stolen"), BOB));
    assertDenied("/home/alice", () -> service.allocate(
        new AllocateChunkRequest("c", "/home/alice/f", 1, List.of()), BOB.caller()));
    assertDenied("/home/alice", () -> new AllocateChunkHandler(service, NO_TOKENS).handle(
        new AllocateChunkRequest("c", "/home/alice/f", 1, List.of()), BOB));
    assertDenied("/home/alice", () -> new CommitFileHandler(service, NO_TOKENS).handle(
        new CommitFileRequest("c", ++opId, "/home/alice/f", false, 1, 1 << 20, List.of(), 0),
        BOB));
    assertDenied("/home/alice", () -> new FsckHandler(chunks, service, Runnable::run).handle(
        new FsckRequest("/home"), BOB));
    assertDenied("held replica deletions", () -> new DeletionHoldHandler(chunks).handle(
        new DeletionHoldRequest(DeletionHoldRequest.Action.RELEASE, ""), BOB));

    // The owner and the superuser are served.
    assertEquals("private", ((StatResponse) answer(stat.handle(
        new StatRequest("/home/alice/private"), ALICE))).entry().name());
    assertEquals(1, ((ListResponse) answer(list.handle(new ListRequest("/home/alice", "", 10),
        ROOT))).entries().size());
    Message committed = answer(new CommitFileHandler(service, NO_TOKENS).handle(new CommitFileRequest("c",
        ++opId, "/home/alice/f", false, 1, 1 << 20, List.of(), 0), ALICE));
    assertInstanceOf(CommitFileResponse.class, committed);
    LookupResponse read = (LookupResponse) answer(lookup.handle(
        new LookupRequest("/home/alice/f", 0, 10), ALICE));
    assertEquals("alice", read.file().owner());
    assertEquals("644", read.file().permissionOctal());
    answer(new FsckHandler(chunks, service, Runnable::run).handle(new FsckRequest("/home"),
        ALICE));
    answer(delete.handle(new DeleteRequest("c", ++opId, "/home/alice", true), ROOT));
  }

  @Test
  void chmodByANonOwnerAndChownByANonSuperuserAreDeniedAndChangeNothing() throws Exception {
    mkdir(ROOT, "/home");
    chmod(ROOT, "/home", 0777, false);
    mkdir(ALICE, "/home/alice/a/b");
    SetAttributesHandler set = new SetAttributesHandler(service);
    assertDenied("may not change the permission of /home/alice", () -> set.handle(
        new SetAttributesRequest("/home/alice", 0777, "", "", true), BOB));
    assertDenied("only the superuser", () -> set.handle(
        new SetAttributesRequest("/home/alice", -1, "bob", "", false), ALICE));
    assertDenied("only the superuser", () -> set.handle(
        new SetAttributesRequest("/home/alice", 0700, "", "guests", false), ALICE));
    StatHandler stat = new StatHandler(service);
    FileEntry unchanged = ((StatResponse) answer(stat.handle(new StatRequest("/home/alice"),
        ROOT))).entry();
    assertEquals(List.of("alice", "staff", 0755), List.of(unchanged.owner(), unchanged.group(),
        unchanged.permission()));

    assertEquals(3, ((SetAttributesResponse) chmod(ALICE, "/home/alice", 0750, true)).entries());
    assertEquals(3, ((SetAttributesResponse) answer(set.handle(new SetAttributesRequest(
        "/home/alice", 0700, "bob", "guests", true), ROOT))).entries());
    FileEntry b = ((StatResponse) answer(stat.handle(new StatRequest("/home/alice/a/b"), ROOT)))
        .entry();
    assertEquals(List.of("bob", "guests", 0700), List.of(b.owner(), b.group(), b.permission()));
    MetadataException nothing = refusal(() -> set.handle(
        new SetAttributesRequest("/home", -1, "", "", false), ROOT));
    assertEquals(Status.INVALID_ARGUMENT, nothing.status());
  }
}
