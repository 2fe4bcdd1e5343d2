package dev.granary.it;

import static dev.granary.it.Retention.CHUNK;
import static dev.granary.it.Retention.assertKept;
import static dev.granary.it.Retention.awaitFreed;
import static dev.granary.it.Retention.data;
import static dev.granary.it.Retention.handles;
import static dev.granary.it.Retention.read;
import static dev.granary.it.Retention.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeleteResult;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.TrashEntry;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trash on a real {@code tls} cluster: {@code rm -r} of a directory under a trash policy is
 * undone by {@code trash restore} with every byte back; an entry left there is freed from the
 * disks once its duration has passed; {@code --skip-trash} frees at once; each user has a trash of
 * their own.
 */
class TrashClusterTest {
  @RegisterExtension
  static final Retention.Cluster CLUSTER = new Retention.Cluster();
  final MiniCluster cluster = CLUSTER.mini();
  final GranaryClient c = CLUSTER.client();

  /** Writes a small tree under {@code dir}; returns each file's bytes by path. */
  private Map<String, byte[]> tree(String dir, long seed) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(dir + "/f1", data(2 * CHUNK + 3, seed));
    files.put(dir + "/sub/f2", data(500, seed + 1));
    files.put(dir + "/sub/deeper/f3", data(CHUNK, seed + 2));
    files.put(dir + "/zero", new byte[0]);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      write(c, e.getKey(), e.getValue(), false);
    }
    c.mkdirs(dir + "/emptydir", true);
    return files;
  }

  private Set<String> handlesOf(Map<String, byte[]> files) throws Exception {
    Set<String> out = new LinkedHashSet<>();
    for (String p : files.keySet()) {
      out.addAll(handles(c, p));
    }
    return out;
  }

  private TrashEntry entry(GranaryClient who, String path) throws Exception {
    return who.trash().stream().filter(e -> e.path().equals(path)).findFirst().orElse(null);
  }

  @Test
  void removedTreeComesBackWholeThenExpiresFromTheDisks() throws Exception {
    c.mkdirs("/t", true);
    c.setPolicy("/t", PolicyChange.none().trash(Duration.ofHours(1)));
    Map<String, byte[]> files = tree("/t/d", 50);
    Set<String> held = handlesOf(files);

    long before = System.currentTimeMillis();
    DeleteResult rm = c.delete("/t/d", true);
    assertTrue(rm.trashed(), rm::toString);
    assertEquals(4, rm.files());
    assertThrows(NotFoundException.class, () -> c.stat("/t/d"));
    TrashEntry e = entry(c, "/t/d");
    assertTrue(e != null && e.directory(), () -> "trash: " + e);
    assertEquals(4, e.files());
    assertEquals(files.values().stream().mapToLong(b -> b.length).sum(), e.size());
    assertTrue(e.deletedMillis() >= before - 1000, e::toString);
    assertEquals(Duration.ofHours(1).toMillis(), e.expiresMillis() - e.deletedMillis());
    assertEquals(e.expiresMillis(), rm.trashExpires());
    assertKept(cluster, held, "a tree in the trash");

    TrashEntry back = c.restoreFromTrash("/t/d");
    assertEquals("/t/d", back.path());
    assertEquals(null, entry(c, "/t/d"));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertArrayEquals(f.getValue(), read(c, f.getKey()), f.getKey());
    }
    assertTrue(c.stat("/t/d/emptydir").directory());
    assertEquals(held, handlesOf(files), "restored files hold the same chunks");
    assertThrows(NotFoundException.class, () -> c.restoreFromTrash("/t/d"));

    // Under a 2 s trash: removed again, the entry expires and its chunks leave the disks.
    c.setPolicy("/t/d", PolicyChange.none().trash(Duration.ofSeconds(2)));
    DeleteResult again = c.delete("/t/d", true);
    assertTrue(again.trashed());
    assertTrue(again.trashExpires() <= System.currentTimeMillis() + 2000, again::toString);
    Wait.until("/t/d expired from the trash", Duration.ofSeconds(15),
        () -> entry(c, "/t/d") == null);
    awaitFreed(cluster, held, "an expired trash entry");
    assertThrows(NotFoundException.class, () -> c.restoreFromTrash("/t/d"));
  }

  @Test
  void skipTrashFreesAtOnceAndRestoreNeverOverwrites() throws Exception {
    c.mkdirs("/k", true);
    c.setPolicy("/k", PolicyChange.none().trash(Duration.ofHours(1)));
    Map<String, byte[]> files = tree("/k/d", 60);
    Set<String> held = handlesOf(files);
    DeleteResult rm = c.delete("/k/d", true, true);
    assertFalse(rm.trashed(), rm::toString);
    assertEquals(null, entry(c, "/k/d"));
    awaitFreed(cluster, held, "rm --skip-trash under a one-hour trash");

    // Something at the path now: restore refuses and loses neither.
    byte[] old = data(CHUNK + 9, 61);
    write(c, "/k/f", old, false);
    List<String> oldHandles = handles(c, "/k/f");
    c.delete("/k/f", false);
    byte[] now = data(77, 62);
    write(c, "/k/f", now, false);
    assertThrows(AlreadyExistsException.class, () -> c.restoreFromTrash("/k/f"));
    assertArrayEquals(now, read(c, "/k/f"));
    c.delete("/k/f", false, true);
    c.restoreFromTrash("/k/f");
    assertArrayEquals(old, read(c, "/k/f"));

    // trash empty frees what it holds now.
    c.delete("/k/f", false);
    List<TrashEntry> emptied = c.emptyTrash();
    assertTrue(emptied.stream().anyMatch(x -> x.path().equals("/k/f")), emptied::toString);
    assertEquals(List.of(), c.trash());
    awaitFreed(cluster, oldHandles, "trash empty");
  }

  @Test
  void eachUserHasATrashOfTheirOwn(@TempDir Path tmp) throws Exception {
    c.mkdirs("/shared/bob", true);
    c.setPolicy("/shared", PolicyChange.none().trash(Duration.ofHours(1)));
    Credentials bobCreds = c.addUser("bob", "", false);
    Path file = tmp.resolve("bob.credentials");
    bobCreds.write(file, false);
    c.setOwner("/shared/bob", "bob", "", false);
    GranaryClient bob = cluster.client(new ClientConfig(cluster.cluster().masterAddress(), 0, 4,
        Duration.ofSeconds(20), file));

    byte[] bobs = data(CHUNK + 1, 70);
    write(bob, "/shared/bob/f", bobs, false);
    byte[] admins = data(300, 71);
    write(c, "/shared/a", admins, false);
    List<String> bobHeld = handles(c, "/shared/bob/f");
    List<String> adminHeld = handles(c, "/shared/a");
    assertTrue(bob.delete("/shared/bob/f", false).trashed());
    assertTrue(c.delete("/shared/a", false).trashed());

    assertEquals(List.of("/shared/bob/f"), bob.trash().stream().map(TrashEntry::path).toList());
    assertEquals(null, entry(c, "/shared/bob/f"), "bob's entry is not in the admin's trash");
    assertEquals(null, entry(bob, "/shared/a"));
    assertThrows(NotFoundException.class, () -> c.restoreFromTrash("/shared/bob/f"));
    assertThrows(NotFoundException.class, () -> bob.restoreFromTrash("/shared/a"));
    // Emptying one trash leaves the other's.
    c.emptyTrash();
    awaitFreed(cluster, adminHeld, "the admin's emptied trash");
    assertKept(cluster, bobHeld, "bob's trash after the admin emptied theirs");
    assertEquals(1, bob.trash().size());
    bob.restoreFromTrash("/shared/bob/f");
    assertArrayEquals(bobs, read(bob, "/shared/bob/f"));
  }

  @Test
  void aFileComesBackWithItsVersionsAndItsParentsRecreated() throws Exception {
    c.mkdirs("/tv", true);
    c.setPolicy("/tv", PolicyChange.none().keepVersions(3).trash(Duration.ofHours(1)));
    byte[] one = data(CHUNK + 1, 90);
    byte[] two = data(CHUNK + 2, 91);
    write(c, "/tv/x/f", one, false);
    write(c, "/tv/x/f", two, true);
    Set<String> held = new LinkedHashSet<>(handles(c, "/tv/x/f"));
    assertTrue(c.delete("/tv/x/f", false).trashed());
    // Its directory goes for good: restore must make it again.
    c.delete("/tv/x", true, true);
    assertKept(cluster, held, "the trashed file's current chunks");
    c.restoreFromTrash("/tv/x/f");
    assertTrue(c.stat("/tv/x").directory());
    assertEquals(List.of(2L, 1L), c.versions("/tv/x/f").stream().map(v -> v.version()).toList(),
        "versions travel into the trash and back with their file");
    assertArrayEquals(two, read(c, "/tv/x/f"));
    assertArrayEquals(one, read(c, "/tv/x/f", 1));
  }
}
