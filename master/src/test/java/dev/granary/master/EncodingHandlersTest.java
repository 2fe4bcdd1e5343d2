package dev.granary.master;

import static dev.granary.master.HandlerFixture.answer;
import static dev.granary.master.HandlerFixture.peer;
import static dev.granary.master.HandlerFixture.refusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.net.CommitFileHandler;
import dev.granary.master.net.EncodingHandlers;
import dev.granary.master.net.ListHandler;
import dev.granary.master.net.MkdirHandler;
import dev.granary.master.net.PeerContext;
import dev.granary.master.net.RequestHandler;
import dev.granary.master.net.SetAttributesHandler;
import dev.granary.master.net.SharedChunkHandlers;
import dev.granary.master.net.StatHandler;
import dev.granary.master.security.Caller;
import dev.granary.master.testing.MutableClock;
import dev.granary.wire.Compression;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.PolicyRequest;
import dev.granary.wire.msg.PolicyResponse;
import dev.granary.wire.msg.RekeyRequest;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
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
 * Compression and encryption through the master's handlers, as the dispatcher calls them:
 * commits checked and refused under an {@code encrypt} policy, WRITE_CHECK, REKEY with its retry
 * and its refusals, the policy keys, and the state after the master reopens its log.
 */
class EncodingHandlersTest {
  private static final PeerContext ROOT = peer(new Caller("admin", "admin", true));
  private static final PeerContext ALICE = peer(new Caller("alice", "staff", false));
  private static final PeerContext BOB = peer(new Caller("bob", "staff", false));
  private static final String FILE_ID = "0123456789abcdef0123456789abcdef";
  private static final FileEncoding SEALED = new FileEncoding(Compression.ZSTD, -1, FILE_ID,
      "k1", "b2xkLWtleQ==");

  @TempDir
  Path dir;
  private HandlerFixture fixture;
  private MutableClock clock;
  private MetadataService service;
  private long opId;

  @BeforeEach
  void open() throws IOException {
    fixture = new HandlerFixture(dir);
    reopen();
  }

  /** Opens the log again (replaying it) and the service over it. */
  private void reopen() throws IOException {
    fixture.open();
    clock = fixture.clock;
    service = fixture.service;
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static void refused(Status status, String fragment,
      Supplier<CompletableFuture<? extends Message>> call) throws Exception {
    MetadataException e = refusal(call);
    assertEquals(status, e.status(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> RequestHandler<T> handler(Class<T> type) {
    List<RequestHandler<?>> all = new java.util.ArrayList<>(EncodingHandlers.all(service, clock));
    all.addAll(SharedChunkHandlers.all(service, clock));
    return (RequestHandler<T>) all.stream().filter(h -> h.type() == type).findFirst()
        .orElseThrow();
  }

  private CompletableFuture<? extends Message> commit(PeerContext who, String path,
      FileEncoding e, long size) {
    return new CommitFileHandler(service, HandlerFixture.NO_TOKENS).handle(new CommitFileRequest("c", ++opId,
        path, true, 1, 1 << 20, List.of(), 0, e, size), who);
  }

  private CompletableFuture<? extends Message> policy(PeerContext who, String path,
      String key, String value) {
    return handler(PolicyRequest.class).handle(new PolicyRequest("c", ++opId, path, List.of(
        new PolicyRequest.PolicySetting(key, value))), who);
  }

  private WriteCheckResponse check(PeerContext who, String path) throws Exception {
    return (WriteCheckResponse) answer(handler(WriteCheckRequest.class).handle(
        new WriteCheckRequest(path), who));
  }

  private void setUp() throws Exception {
    answer(new MkdirHandler(service, clock).handle(new MkdirRequest("c", ++opId, "/home",
        false), ROOT));
    answer(new SetAttributesHandler(service).handle(new SetAttributesRequest("/home", 0777, "",
        "", false), ROOT));
    answer(new MkdirHandler(service, clock).handle(new MkdirRequest("c", ++opId,
        "/home/alice/secret", true), ALICE));
  }

  @Test
  void policiesWriteChecksAndCommitsUnderEncryptOne() throws Exception {
    setUp();
    PolicyResponse shown = (PolicyResponse) answer(policy(ALICE, "/home/alice", "compress", "1"));
    assertEquals(List.of(new PolicyResponse.PolicyValue("compress", "1", "/home/alice")),
        shown.values());
    answer(policy(ALICE, "/home/alice/secret", "encrypt", "1"));
    refused(Status.DENIED, "only its owner", () -> policy(BOB, "/home/alice", "encrypt", "1"));
    refused(Status.INVALID_ARGUMENT, "compress", () -> policy(ALICE, "/home/alice", "compress",
        "9"));

    // Nothing there yet: no entry, the nearest policies (a missing parent resolves upwards).
    WriteCheckResponse none = check(ALICE, "/home/alice/secret/new/deeper/f");
    assertNull(none.existing());
    assertEquals(Compression.LZ4, none.compression());
    assertTrue(none.encrypt());
    WriteCheckResponse outside = check(BOB, "/home/f");
    assertEquals(new WriteCheckResponse(null, Compression.NONE, false), outside);

    refused(Status.DENIED, "the policy of '/home/alice/secret' requires encryption", () ->
        commit(ALICE, "/home/alice/secret/f", FileEncoding.PLAIN, -1));
    refused(Status.DENIED, "requires encryption", () -> commit(ALICE, "/home/alice/secret/f",
        FileEncoding.compressed(Compression.LZ4, -1), 0));
    refused(Status.INVALID_ARGUMENT, "0 chunks do not fit size 5", () -> commit(ALICE,
        "/home/alice/secret/f", SEALED, 5));
    FileEntry made = ((CommitFileResponse) answer(commit(ALICE, "/home/alice/secret/f", SEALED,
        0))).file();
    assertEquals(SEALED.withStoredSize(0), made.encoding());
    WriteCheckResponse there = check(ALICE, "/home/alice/secret/f");
    assertEquals(made, there.existing());
    assertEquals(made, ((StatResponse) answer(new StatHandler(service).handle(
        new StatRequest("/home/alice/secret/f"), BOB))).entry());
    assertEquals(List.of(made), ((ListResponse) answer(new ListHandler(service).handle(
        new ListRequest("/home/alice/secret", "", 10), ALICE))).entries());

    // WRITE_CHECK needs what STAT needs.
    answer(new SetAttributesHandler(service).handle(new SetAttributesRequest("/home/alice", 0700,
        "", "", false), ALICE));
    refused(Status.DENIED, "traverse /home/alice", () -> handler(WriteCheckRequest.class).handle(
        new WriteCheckRequest("/home/alice/secret/f"), BOB));
  }

  @Test
  void rekeyRotatesOnceAnswersItsRetryAsTheOriginalAndSurvivesARestart() throws Exception {
    setUp();
    answer(policy(ALICE, "/home/alice", "keepVersions", "1"));
    answer(commit(ALICE, "/home/alice/f", SEALED, 0));
    answer(commit(ALICE, "/home/alice/f", SEALED.withKey("k1", "c2Vjb25k"), 0));
    RequestHandler<RekeyRequest> rekey = handler(RekeyRequest.class);
    RekeyRequest first = new RekeyRequest("c", 900, "/home/alice/f", 0, "c2Vjb25k", "k2",
        "bmV3");
    FileEntry rotated = ((StatResponse) answer(rekey.handle(first, ALICE))).entry();
    assertEquals(SEALED.withKey("k2", "bmV3").withStoredSize(0), rotated.encoding());
    // A retry is answered as the original was, though the key is not the old one any more.
    assertEquals(new StatResponse(rotated), answer(rekey.handle(first, ALICE)));
    refused(Status.STALE_VERSION, "changed since it was read", () -> rekey.handle(
        new RekeyRequest("c", 901, "/home/alice/f", 0, "c2Vjb25k", "k3", "eHh4"), ALICE));
    // Kept version 1 keeps its own key until it is rotated itself.
    FileEntry v1 = ((StatResponse) answer(rekey.handle(new RekeyRequest("c", 902,
        "/home/alice/f", 1, "b2xkLWtleQ==", "k2", "djE="), ALICE))).entry();
    assertEquals("djE=", v1.encoding().wrappedKey());
    refused(Status.NOT_FOUND, "no version 5", () -> rekey.handle(new RekeyRequest("c", 903,
        "/home/alice/f", 5, "bmV3", "k3", "eHh4"), ALICE));
    refused(Status.DENIED, "permission denied", () -> rekey.handle(new RekeyRequest("c", 904,
        "/home/alice/f", 0, "bmV3", "k3", "eHh4"), BOB));
    answer(handler(dev.granary.wire.msg.SnapshotRequest.class).handle(
        new dev.granary.wire.msg.SnapshotRequest("c", ++opId,
            dev.granary.wire.msg.SnapshotRequest.Kind.CREATE, "/home/alice", "s"), ALICE));
    refused(Status.DENIED, "read-only", () -> rekey.handle(new RekeyRequest("c", 905,
        "/home/alice/.snapshot/s/f", 0, "bmV3", "k3", "eHh4"), ALICE));
    answer(commit(ALICE, "/home/alice/plain", FileEncoding.PLAIN, -1));
    refused(Status.INVALID_ARGUMENT, "not encrypted", () -> rekey.handle(new RekeyRequest("c",
        906, "/home/alice/plain", 0, "bmV3", "k3", "eHh4"), ALICE));

    // Reopened from its log: the rotated keys, and the retry still answered as the original.
    fixture.close();
    reopen();
    StatHandler stat = new StatHandler(service);
    assertEquals(rotated, ((StatResponse) answer(stat.handle(new StatRequest("/home/alice/f"),
        ALICE))).entry());
    assertEquals(new StatResponse(rotated), answer(handler(RekeyRequest.class).handle(first,
        ALICE)));
    assertEquals("bmV3", ((StatResponse) answer(stat.handle(
        new StatRequest("/home/alice/.snapshot/s/f"), ALICE))).entry().encoding().wrappedKey());
    assertFalse(fixture.store.readOnly());
  }
}
