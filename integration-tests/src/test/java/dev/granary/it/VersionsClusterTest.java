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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.DeleteResult;
import dev.granary.client.FileStatus;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * File versions on a real {@code tls} cluster: under {@code --keep-versions 2} a file keeps what
 * {@code put --force} replaced, each version reads back its own bytes from the chunkservers, the
 * oldest beyond two is dropped and its replica files leave the disks, {@code restore} makes an old
 * version current (sharing its chunks, sending nothing) and keeps the one it replaced, and
 * {@code rm} takes every version's replicas with the file.
 */
class VersionsClusterTest {
  @RegisterExtension
  static final Retention.Cluster CLUSTER = new Retention.Cluster();
  final MiniCluster cluster = CLUSTER.mini();
  final GranaryClient c = CLUSTER.client();

  private List<Long> numbers(List<FileVersion> versions) {
    return versions.stream().map(FileVersion::version).toList();
  }

  private void assertVersions(String path, List<Long> expected, byte[]... contents)
      throws Exception {
    List<FileVersion> vs = c.versions(path);
    assertEquals(expected, numbers(vs), () -> path + " versions " + vs);
    for (int i = 0; i < expected.size(); i++) {
      long n = expected.get(i);
      assertEquals(contents[i].length, vs.get(i).size(), "size of version " + n);
      assertArrayEquals(contents[i], read(c, path, n), "bytes of version " + n);
    }
    // The current contents are the newest version, read either way.
    assertArrayEquals(contents[0], read(c, path));
  }

  @Test
  void keepTwoVersionsDropsTheOldestRestoresAndRemovesEverything() throws Exception {
    c.mkdirs("/v", true);
    c.setPolicy("/v", PolicyChange.none().keepVersions(2));
    String f = "/v/f";
    byte[] one = data(3 * CHUNK + 100, 1);
    byte[] two = data(2 * CHUNK + 5, 2);
    byte[] three = data(4 * CHUNK, 3);
    byte[] four = data(1000, 4);

    write(c, f, one, false);
    List<String> h1 = handles(c, f);
    write(c, f, two, true);
    List<String> h2 = handles(c, f);
    write(c, f, three, true);
    List<String> h3 = handles(c, f);
    assertVersions(f, List.of(3L, 2L, 1L), three, two, one);
    assertTrue(Collections.disjoint(h1, h2) && Collections.disjoint(h2, h3)
        && Collections.disjoint(h1, h3), "different contents share no chunk");
    assertKept(cluster, union(h1, h2, h3), "three versions");

    // A fourth put drops version 1 (the oldest beyond two) and frees its chunks from the disks.
    write(c, f, four, true);
    List<String> h4 = handles(c, f);
    assertVersions(f, List.of(4L, 3L, 2L), four, three, two);
    assertThrows(NotFoundException.class, () -> c.open(f, 1));
    awaitFreed(cluster, h1, "version 1 dropped");
    assertKept(cluster, union(h2, h3, h4), "versions 2-4 after version 1 was dropped");

    // Restore version 2: the current contents again (a new version 5) on the same chunks; what it
    // replaced (4) is kept, so the restore can be undone.
    FileStatus restored = c.restore(f, 2);
    assertEquals(two.length, restored.size());
    assertEquals(h2, handles(c, f), "a restore shares the version's chunks");
    assertVersions(f, List.of(5L, 4L, 3L), two, four, three);
    assertKept(cluster, union(h2, h3, h4), "after restoring version 2");

    // Undo it: version 4 becomes current (6); version 3 is now the oldest beyond two and is freed,
    // while version 2's chunks stay, held by version 5.
    c.restore(f, 4);
    assertVersions(f, List.of(6L, 5L, 4L), four, two, four);
    awaitFreed(cluster, h3, "version 3 dropped by a restore");
    assertKept(cluster, union(h2, h4), "after undoing the restore");

    // Versions follow the file through mv; rm takes every version's replicas.
    c.rename(f, "/v/g");
    assertVersions("/v/g", List.of(6L, 5L, 4L), four, two, four);
    DeleteResult rm = c.delete("/v/g", false);
    assertFalse(rm.trashed());
    assertThrows(NotFoundException.class, () -> c.versions("/v/g"));
    awaitFreed(cluster, union(h2, h4), "rm of a file with versions");
  }

  @Test
  void withoutAPolicyPutForceFreesWhatItReplaced() throws Exception {
    String f = "/plain/f";
    write(c, f, data(2 * CHUNK + 1, 10), false);
    List<String> old = handles(c, f);
    byte[] now = data(CHUNK + 7, 11);
    write(c, f, now, true);
    List<FileVersion> vs = c.versions(f);
    assertEquals(List.of(1L), numbers(vs), vs::toString);
    assertArrayEquals(now, read(c, f));
    assertThrows(NotFoundException.class, () -> c.open(f, 2));
    awaitFreed(cluster, old, "replaced contents without a policy");
  }

  @Test
  void aLowerKeepTrimsAtTheNextReplacementAndLeavingThePolicyEndsTheHistory() throws Exception {
    c.mkdirs("/k3", true);
    c.mkdirs("/nokeep", true);
    c.setPolicy("/k3", PolicyChange.none().keepVersions(3));
    String f = "/k3/f";
    write(c, f, data(CHUNK + 1, 12), false);
    List<String> h1 = handles(c, f);
    write(c, f, data(CHUNK + 2, 13), true);
    List<String> h2 = handles(c, f);
    byte[] three = data(CHUNK + 3, 14);
    write(c, f, three, true);
    List<String> h3 = handles(c, f);
    c.setPolicy("/k3", PolicyChange.none().keepVersions(1));
    byte[] four = data(CHUNK + 4, 15);
    write(c, f, four, true);
    assertVersions(f, List.of(4L, 3L), four, three);
    awaitFreed(cluster, union(h1, h2), "versions beyond the lowered keep");
    assertKept(cluster, h3, "the one version kept");

    // Moved where no policy keeps versions, the next replacement ends the history.
    c.rename(f, "/nokeep/f");
    byte[] five = data(10, 16);
    write(c, "/nokeep/f", five, true);
    assertEquals(List.of(1L), numbers(c.versions("/nokeep/f")));
    assertArrayEquals(five, read(c, "/nokeep/f"));
    awaitFreed(cluster, h3, "the history of a file replaced outside the policy");
  }
}
