package dev.granary.master.net;

import static dev.granary.master.testing.WireHarness.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.MasterConfig;
import dev.granary.master.MasterServer;
import dev.granary.master.testing.Poll;
import dev.granary.master.testing.WireHarness;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.FsckRequest;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace limits at the master's door, over the wire (the client library checks too, but
 * the master must not depend on it), and a tree 10,000 directories deep in a real master's data:
 * loaded, fsck'd, deleted with -r, checkpointed after.
 */
class NamespaceLimitsWireTest {
  private static final int DEPTH = 10_000;
  @TempDir
  Path tmp;
  @RegisterExtension
  final WireHarness wire = new WireHarness();

  private MasterServer start(Path dir, long checkpointOps) throws IOException {
    MasterServer m = new MasterServer(new MasterConfig("127.0.0.1", 0, dir, 1 << 20, 1, 1,
        Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30), "round-robin",
        checkpointOps, 2));
    return wire.start(m);
  }

  private Connection client(MasterServer m) throws Exception {
    return wire.connect(m, Role.CLIENT, "c1");
  }

  private static void invalid(Connection c, Message m, String fragment) {
    RemoteException e = assertThrows(RemoteException.class, () -> call(c, m), m::toString);
    assertEquals(Status.INVALID_ARGUMENT, e.status(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().length() < 300, e.getMessage());
  }

  @Test
  void everyRequestCarryingAPathIsHeldToTheLimits() throws Exception {
    MasterServer m = start(tmp.resolve("m"), 100_000);
    Connection c = client(m);
    call(c, new MkdirRequest("c1", 1, "/d", false));
    long[] op = {10};
    List<Function<String, Message>> requests = List.of(
        p -> new MkdirRequest("c1", op[0]++, p, true),
        p -> new CommitFileRequest("c1", op[0]++, p, false, 1, 1 << 20, List.of()),
        p -> new DeleteRequest("c1", op[0]++, p, true),
        p -> new RenameRequest("c1", op[0]++, p, "/d/x"),
        p -> new RenameRequest("c1", op[0]++, "/d", p),
        StatRequest::new,
        p -> new ListRequest(p, "", 10),
        p -> new LookupRequest(p, 0, 10),
        FsckRequest::new,
        p -> new AllocateChunkRequest("c1", p, 1, List.of()));
    String name256 = "n".repeat(256);
    String path4097 = "/a".repeat(2048) + "b";
    for (Function<String, Message> r : requests) {
      invalid(c, r.apply("/d/" + name256), "256 bytes of UTF-8, over the limit of 255");
      invalid(c, r.apply(path4097), "4097 bytes of UTF-8, over the limit of 4096");
      invalid(c, r.apply("/d/tab\there"), "U+0009");
      invalid(c, r.apply("/d/new\nline"), "name 'new\\u000Aline'");
    }
    ListResponse d = call(c, new ListRequest("/d", "", 10));
    assertTrue(d.entries().isEmpty(), d::toString);
    // The limits themselves pass: a 255-byte name, a 4,096-byte path (2,048 directories deep).
    StatResponse deepest = call(c, new MkdirRequest("c1", 2, "/a".repeat(2048), true));
    assertEquals(4096, deepest.entry().path().length());
    call(c, new CommitFileRequest("c1", 3, "/d/" + "n".repeat(255), false, 1, 1 << 20,
        List.of()));
    assertEquals(1, ((ListResponse) call(c, new ListRequest("/d", "", 10))).entries().size());
    // A move that would push the deep tree past the limit is refused as a whole.
    invalid(c, new RenameRequest("c1", 4, "/a", "/d/longer"), "over the path limit of 4096");
  }

  /** Writes a checkpoint holding /a/a/.../a (DEPTH directories) and a file at the bottom. */
  private static void writeDeepCheckpoint(Path dir, long seq) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(String.format("checkpoint-%020d.json", seq));
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("{\"checkpoint\":1,\"seq\":" + seq + ",\"time\":1,\"reservedUpTo\":0,"
          + "\"rootModified\":1,\"files\":1,\"directories\":" + DEPTH + "}\n");
      StringBuilder p = new StringBuilder();
      for (int i = 0; i < DEPTH; i++) {
        p.append("/a");
        w.write("{\"d\":\"" + p + "\",\"m\":1}\n");
      }
      w.write("{\"f\":\"" + p + "/f\",\"m\":1,\"r\":1,\"s\":1048576,\"c\":[]}\n");
      w.write("{\"end\":" + (DEPTH + 2) + "}\n");
    }
  }

  private static List<Long> checkpoints(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("checkpoint-") && n.endsWith(".json"))
          .map(n -> Long.parseLong(n.substring(11, n.length() - 5))).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aTenThousandDeepTreeIsServedDeletedAndCheckpointedAfter() throws Exception {
    Path dir = tmp.resolve("deep");
    writeDeepCheckpoint(dir, 3);
    MasterServer m = start(dir, 2);
    Connection c = client(m);
    FsckResponse fsck = call(c, new FsckRequest("/"));
    assertEquals(1, fsck.files(), fsck::toString);
    fsck = call(c, new FsckRequest("/a".repeat(2048)));
    assertEquals(1, fsck.files(), fsck::toString);
    DeleteResponse deleted = call(c, new DeleteRequest("c1", 1, "/a", true));
    assertEquals(DEPTH, deleted.directories());
    assertEquals(1, deleted.files());
    call(c, new MkdirRequest("c1", 2, "/after", false));
    Poll.until("a checkpoint after the deep one in " + dir, Duration.ofSeconds(120),
        () -> checkpoints(dir).stream().anyMatch(s -> s > 3));
    m.close();
    wire.forget(m);
    MasterServer again = start(dir, 2);
    Connection c2 = client(again);
    ListResponse root = call(c2, new ListRequest("/", "", 10));
    assertEquals(List.of("/after"), root.entries().stream().map(e -> e.path()).toList());
  }
}
