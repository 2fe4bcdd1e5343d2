package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeleteResult;
import dev.granary.client.DeniedException;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import dev.granary.client.TransferListener;
import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.Status;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.PolicyRequest;
import dev.granary.wire.msg.PolicyResponse;
import dev.granary.wire.msg.RestoreRequest;
import dev.granary.wire.msg.RestoreResponse;
import dev.granary.wire.msg.SnapshotRequest;
import dev.granary.wire.msg.SnapshotResponse;
import dev.granary.wire.msg.TrashRequest;
import dev.granary.wire.msg.TrashResponse;
import dev.granary.wire.msg.VersionsRequest;
import dev.granary.wire.msg.VersionsResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading kept versions through the real read path, and the policy, versions, snapshot and trash
 * calls as they travel: the fake master stands in for the new messages through its interceptor.
 */
class RetentionTest {
  private FakeCluster cluster;
  private GranaryClient client;
  private final List<Message> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    cluster = new FakeCluster(3);
    client = TestData.client(cluster, 4 << 20);
  }

  @AfterEach
  void stop() {
    client.close();
    cluster.close();
  }

  private void write(String path, byte[] data) throws Exception {
    try (OutputStream out = client.create(path, OPTIONS.withOverwrite(true))) {
      out.write(data);
    }
  }

  private byte[] read(String path, long version) throws Exception {
    try (InputStream in = client.open(path, version)) {
      return TestData.readAll(in);
    }
  }

  /** Version 1 of /f is the file the fake holds at /.versions/f/1. */
  private void serveVersionOne() {
    cluster.master.interceptor = m -> {
      if (m instanceof LookupRequest l && l.version() != 0) {
        seen.add(l);
        return l.version() == 1
            ? cluster.master.answer(new LookupRequest("/.versions" + l.path() + "/1",
                l.firstChunk(), l.maxChunks()))
            : new ErrorReply(Status.NOT_FOUND, l.path() + ": no version " + l.version(), "");
      }
      return null;
    };
  }

  @Test
  void aVersionIsReadThroughItsOwnLookupsAndNeverMixedWithTheCurrentContents(@TempDir Path tmp)
      throws Exception {
    byte[] now = TestData.random((int) TestData.CHUNK * 2 + 100, 1);
    byte[] old = TestData.random((int) TestData.CHUNK * 3 + 7, 2);
    write("/f", now);
    write("/.versions/f/1", old);
    serveVersionOne();
    // Current, then version 1, then current again: the location cache holds both apart.
    assertArrayEquals(now, read("/f", GranaryClient.CURRENT));
    assertArrayEquals(old, read("/f", 1));
    assertArrayEquals(now, read("/f", 0));
    assertArrayEquals(old, read("/f", 1));
    assertTrue(seen.stream().allMatch(m -> ((LookupRequest) m).version() == 1));
    assertFalse(seen.isEmpty());

    Path local = tmp.resolve("v1");
    assertEquals(old.length, client.get("/f", 1, local, false, TransferListener.NONE).size());
    assertArrayEquals(old, Files.readAllBytes(local));
    assertThrows(NotFoundException.class, () -> client.open("/f", 9));
    assertThrows(InvalidArgumentException.class, () -> client.open("/f", -1));
  }

  @Test
  void policyVersionsAndRestoreTravelAsAsked() throws Exception {
    FileEntry file = new FileEntry("/p/f", false, 3, 5, 3, 1 << 20, 1);
    cluster.master.interceptor = m -> {
      seen.add(m);
      if (m instanceof PolicyRequest p) {
        return p.path().equals("/nope") ? new ErrorReply(Status.NOT_FOUND, "/nope: no such"
            + " directory", "") : new PolicyResponse(p.path(), List.of(
            new PolicyResponse.PolicyValue("keepVersions", "4", "/p"),
            new PolicyResponse.PolicyValue("trash", "60000", "/")));
      }
      if (m instanceof VersionsRequest v) {
        return new VersionsResponse(v.path(), List.of(new VersionsResponse.FileVersion(2, 3, 20),
            new VersionsResponse.FileVersion(1, 9, 10)));
      }
      if (m instanceof RestoreRequest r) {
        return new RestoreResponse(file, 3);
      }
      return null;
    };
    DirectoryPolicy p = client.setPolicy("/p/", PolicyChange.none().keepVersions(4)
        .clear(DirectoryPolicy.REPLICATION));
    PolicyRequest sent = (PolicyRequest) seen.get(0);
    assertEquals("/p", sent.path());
    assertEquals(List.of(new PolicyRequest.PolicySetting("keepVersions", "4"),
        new PolicyRequest.PolicySetting("replication", "")), sent.settings());
    assertEquals(4, p.keepVersions().getAsInt());
    assertEquals(Duration.ofMinutes(1), p.trash().get());
    assertEquals("/", p.setting(DirectoryPolicy.TRASH).get().from());
    assertTrue(p.replication().isEmpty());

    client.policy("/p");
    assertTrue(((PolicyRequest) seen.get(1)).settings().isEmpty(), "showing changes nothing");
    assertThrows(NotFoundException.class, () -> client.policy("/nope"));

    assertEquals(List.of(new FileVersion(2, 3, 20), new FileVersion(1, 9, 10)),
        client.versions("/p/f"));
    assertEquals("/p/f", client.restore("/p/f", 1).path());
    RestoreRequest restore = (RestoreRequest) seen.get(seen.size() - 1);
    assertEquals(1, restore.version());
    assertEquals(client.clientId(), restore.clientId());
    assertThrows(InvalidArgumentException.class, () -> client.restore("/p/f", 0));
  }

  @Test
  void snapshotAndTrashCallsMapTheirAnswersAndErrors() throws Exception {
    SnapshotResponse.SnapshotInfo s1 = new SnapshotResponse.SnapshotInfo("s1",
        "/d/.snapshot/s1", 7);
    TrashResponse.TrashEntry t = new TrashResponse.TrashEntry("/d/x", true, 10, 2, 100, 200);
    cluster.master.interceptor = m -> {
      seen.add(m);
      if (m instanceof SnapshotRequest s) {
        return switch (s.kind()) {
          case CREATE -> s.name().equals("s1") ? new SnapshotResponse(List.of(s1))
              : new ErrorReply(Status.ALREADY_EXISTS, "snapshot exists", "");
          case DELETE -> new ErrorReply(Status.DENIED, "not yours", "");
          case LIST -> new SnapshotResponse(List.of(s1));
        };
      }
      if (m instanceof TrashRequest r) {
        return r.kind() == TrashRequest.Kind.RESTORE && r.path().equals("/gone")
            ? new ErrorReply(Status.NOT_FOUND, "/gone: not in your trash", "")
            : new TrashResponse(List.of(t));
      }
      if (m instanceof DeleteRequest d && !d.skipTrash()) {
        return new DeleteResponse(1, 0, 12345);
      }
      return null;
    };
    assertEquals(new SnapshotInfo("s1", "/d/.snapshot/s1", 7), client.createSnapshot("/d", "s1"));
    assertThrows(AlreadyExistsException.class, () -> client.createSnapshot("/d", "s2"));
    assertThrows(DeniedException.class, () -> client.deleteSnapshot("/d", "s1"));
    assertEquals(1, client.snapshots("/d").size());
    assertEquals("", ((SnapshotRequest) seen.get(seen.size() - 1)).name());
    for (String bad : new String[] {"", "a/b", "..", "x\u0001"}) {
      assertThrows(InvalidArgumentException.class, () -> client.createSnapshot("/d", bad), bad);
    }

    TrashEntry e = new TrashEntry("/d/x", true, 10, 2, 100, 200);
    assertEquals(List.of(e), client.trash());
    assertEquals(e, client.restoreFromTrash("/d/x"));
    assertThrows(NotFoundException.class, () -> client.restoreFromTrash("/gone"));
    assertEquals(List.of(e), client.emptyTrash());
    assertEquals(List.of(TrashRequest.Kind.LIST, TrashRequest.Kind.RESTORE,
        TrashRequest.Kind.RESTORE, TrashRequest.Kind.EMPTY), seen.stream()
        .filter(m -> m instanceof TrashRequest).map(m -> ((TrashRequest) m).kind()).toList());

    write("/d/f", new byte[] {1});
    DeleteResult trashed = client.delete("/d/f", false);
    assertTrue(trashed.trashed());
    assertEquals(12345, trashed.trashExpires());
    DeleteResult gone = client.delete("/d/f", false, true);
    assertFalse(gone.trashed());
    assertEquals(1, gone.files());
  }
}
