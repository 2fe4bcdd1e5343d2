package dev.granary.it;

import static dev.granary.it.Retention.CHUNK;
import static dev.granary.it.Retention.assertKept;
import static dev.granary.it.Retention.awaitFreed;
import static dev.granary.it.Retention.data;
import static dev.granary.it.Retention.handles;
import static dev.granary.it.Retention.read;
import static dev.granary.it.Retention.union;
import static dev.granary.it.Retention.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.DeniedException;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryIOException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * Directory snapshots on a real {@code tls} cluster: after {@code snapshot create}, removing a
 * subtree, moving a file and replacing another in the directory change nothing the snapshot shows
 * (every old byte reads back through {@code DIR/.snapshot/NAME}, with get, stat and list); writes
 * there are denied; deleting the snapshot frees from the disks exactly the chunks only it held.
 */
class SnapshotClusterTest {
  @RegisterExtension
  static final Retention.Cluster CLUSTER = new Retention.Cluster();
  final MiniCluster cluster = CLUSTER.mini();
  final GranaryClient c = CLUSTER.client();

  private List<String> names(String dir) throws Exception {
    return c.list(dir).stream().map(FileStatus::name).toList();
  }

  /** Denied directly, or (a stream's write or close) through a GranaryIOException. */
  private static void assertDenied(String what, Executable write) {
    Throwable thrown = assertThrows(Throwable.class, write, what);
    Throwable t = thrown instanceof GranaryIOException io ? io.granaryCause() : thrown;
    assertInstanceOf(DeniedException.class, t, () -> what + ": " + t);
  }

  @Test
  void snapshotKeepsEveryOldByteAndDeletingItFreesWhatOnlyItHeld() throws Exception {
    Map<String, byte[]> before = new LinkedHashMap<>();
    before.put("/s/a", data(1000, 20));
    before.put("/s/big", data(5 * CHUNK + 77, 21));
    before.put("/s/m", data(2 * CHUNK, 22));
    before.put("/s/sub/x", data(CHUNK + 3, 23));
    before.put("/s/sub/deep/y", data(10, 24));
    before.put("/s/empty", new byte[0]);
    Map<String, List<String>> held = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : before.entrySet()) {
      write(c, e.getKey(), e.getValue(), false);
      held.put(e.getKey(), handles(c, e.getKey()));
    }

    SnapshotInfo snap = c.createSnapshot("/s", "one");
    assertEquals("one", snap.name());
    assertEquals("/s/.snapshot/one", snap.path());
    assertEquals(List.of(snap), c.snapshots("/s"));

    // Change DIR every way the snapshot must not see.
    c.delete("/s/sub", true);
    c.rename("/s/m", "/s/moved");
    byte[] bigNow = data(3 * CHUNK + 1, 25);
    write(c, "/s/big", bigNow, true);
    write(c, "/s/new", data(500, 26), false);

    String view = "/s/.snapshot/one";
    for (Map.Entry<String, byte[]> e : before.entrySet()) {
      String old = view + e.getKey().substring("/s".length());
      assertArrayEquals(e.getValue(), read(c, old), old);
      FileStatus st = c.stat(old);
      assertEquals(e.getValue().length, st.size(), old);
      assertFalse(st.directory(), old);
      assertEquals(held.get(e.getKey()), handles(c, old), old + " holds the chunks it held");
    }
    assertEquals(List.of("a", "big", "empty", "m", "sub"), names(view));
    assertEquals(List.of("deep", "x"), names(view + "/sub"));
    assertTrue(c.stat(view + "/sub").directory());
    assertEquals(List.of("one"), names("/s/.snapshot"));
    assertThrows(NotFoundException.class, () -> c.stat(view + "/new"));
    assertThrows(NotFoundException.class, () -> c.stat(view + "/moved"));
    // The live directory shows the changes.
    assertEquals(List.of("a", "big", "empty", "moved", "new"), names("/s"));
    assertArrayEquals(bigNow, read(c, "/s/big"));
    assertArrayEquals(before.get("/s/m"), read(c, "/s/moved"));

    // Nothing under .snapshot can be written.
    assertDenied("put into a snapshot", () -> write(c, view + "/z", data(10, 27), false));
    assertDenied("put --force over a snapshot's file",
        () -> write(c, view + "/a", data(10, 27), true));
    assertDenied("mkdir in a snapshot", () -> c.mkdirs(view + "/d", true));
    assertDenied("rm in a snapshot", () -> c.delete(view + "/a", false));
    assertDenied("rm -r of a snapshot", () -> c.delete(view, true));
    assertDenied("mv out of a snapshot", () -> c.rename(view + "/a", "/s/a2"));
    assertDenied("mv into a snapshot", () -> c.rename("/s/a", view + "/a2"));
    assertDenied("policy on a snapshot", () -> c.setPolicy(view,
        PolicyChange.none().keepVersions(1)));
    assertDenied("restore in a snapshot", () -> c.restore(view + "/a", 1));
    assertDenied("snapshot of a snapshot", () -> c.createSnapshot(view, "two"));
    assertEquals(List.of("a", "big", "empty", "m", "sub"), names(view));

    // A directory with a snapshot cannot be removed (as in HDFS): delete its snapshots first.
    InvalidArgumentException rm = assertThrows(InvalidArgumentException.class,
        () -> c.delete("/s", true));
    assertTrue(rm.getMessage().contains("/s"), rm.getMessage());
    assertArrayEquals(bigNow, read(c, "/s/big"));

    // Held only by the snapshot: what was removed under sub, and big's replaced chunks.
    var onlySnapshot = union(held.get("/s/sub/x"), held.get("/s/sub/deep/y"),
        held.get("/s/big"));
    var live = union(held.get("/s/a"), held.get("/s/m"), handles(c, "/s/big"),
        handles(c, "/s/new"));
    assertKept(cluster, union(onlySnapshot, live), "while the snapshot exists");
    assertEquals(snap, c.deleteSnapshot("/s", "one"));
    assertThrows(NotFoundException.class, () -> c.stat(view));
    assertEquals(List.of(), c.snapshots("/s"));
    awaitFreed(cluster, onlySnapshot, "the snapshot's own chunks after its delete");
    assertKept(cluster, live, "the live files' chunks after the snapshot's delete");
    assertArrayEquals(before.get("/s/a"), read(c, "/s/a"));
    assertArrayEquals(before.get("/s/m"), read(c, "/s/moved"));
    assertArrayEquals(bigNow, read(c, "/s/big"));
    // Without snapshots the directory can go.
    c.delete("/s", true);
    awaitFreed(cluster, live, "rm -r of the directory");
  }

  @Test
  void snapshotFollowsItsDirectoryThroughMvAndSharesChunksWithVersions() throws Exception {
    c.mkdirs("/w", true);
    c.setPolicy("/w", PolicyChange.none().keepVersions(1));
    byte[] first = data(2 * CHUNK + 9, 30);
    write(c, "/w/f", first, false);
    List<String> h1 = handles(c, "/w/f");
    c.createSnapshot("/w", "s");
    byte[] second = data(CHUNK, 31);
    write(c, "/w/f", second, true);
    byte[] third = data(CHUNK + 1, 32);
    write(c, "/w/f", third, true);
    // Version 1 was dropped (keep 1) but the snapshot still holds its chunks.
    assertEquals(List.of(3L, 2L), c.versions("/w/f").stream().map(v -> v.version()).toList());
    assertKept(cluster, h1, "version 1 dropped while a snapshot holds it");

    c.rename("/w", "/w2");
    assertArrayEquals(first, read(c, "/w2/.snapshot/s/f"));
    assertEquals(List.of("s"), c.snapshots("/w2").stream().map(SnapshotInfo::name).toList());
    assertThrows(NotFoundException.class, () -> c.snapshots("/w"));

    c.deleteSnapshot("/w2", "s");
    awaitFreed(cluster, h1, "version 1's chunks once the snapshot went");
    assertArrayEquals(second, read(c, "/w2/f", 2));
    assertArrayEquals(third, read(c, "/w2/f"));
  }

  @Test
  void snapshotWithinATrashPolicyStillBlocksRemovingItsDirectory() throws Exception {
    c.mkdirs("/tp/d", true);
    c.setPolicy("/tp", PolicyChange.none().trash(Duration.ofHours(1)));
    byte[] bytes = data(CHUNK + 5, 40);
    write(c, "/tp/d/f", bytes, false);
    c.createSnapshot("/tp/d", "s");
    // Neither the directory nor a parent of it may leave, not even into the trash.
    assertThrows(InvalidArgumentException.class, () -> c.delete("/tp/d", true));
    assertThrows(InvalidArgumentException.class, () -> c.delete("/tp", true));
    assertThrows(InvalidArgumentException.class, () -> c.delete("/tp/d", true, true));
    assertArrayEquals(bytes, read(c, "/tp/d/.snapshot/s/f"));
    assertTrue(c.trash().stream().noneMatch(e -> e.path().startsWith("/tp")), "nothing trashed");
  }
}
