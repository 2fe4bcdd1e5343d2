package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.master.testing.SmallStack;
import dev.granary.wire.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tree far deeper than any path a client may send (a checkpoint written before the limits, or
 * built from another master's data): every walk is iterative, so none overflows even a small stack.
 */
class DeepTreeTest {
  static final int DEPTH = 10_000;

  /** /a/a/.../a (DEPTH directories) with a file "f" of one chunk (handle 1) at the bottom. */
  static Namespace chain() {
    Namespace ns = new Namespace();
    NamespaceLoader loader = ns.loader();
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < DEPTH; i++) {
      p.append("/a");
      loader.directory(p.toString(), i);
    }
    loader.file(p + "/f", 7, 3, 1 << 20, List.of(new ChunkRecord(1, 1, 100, 5)));
    return ns;
  }

  @Test
  void aChainTenThousandDeepIsWalkedCountedAndDeletedWithoutRecursion() throws Throwable {
    SmallStack.run(() -> {
      Namespace ns = chain();
      assertEquals(DEPTH, ns.directoryCount());
      assertEquals(1, ns.fileCount());
      long[] dirs = {0};
      List<String> files = new ArrayList<>();
      ns.forEachEntry(new Namespace.EntryVisitor() {
        @Override
        public void directory(String path, long modified, String owner, String group,
          int permission) {
          dirs[0]++;
          assertEquals(2 * dirs[0], path.length());
          assertEquals(dirs[0] - 1, modified);
        }

        @Override
        public void file(String path, FileNode file) {
          files.add(path);
        }
      });
      assertEquals(DEPTH, dirs[0]);
      assertEquals(List.of("/a".repeat(DEPTH) + "/f"), files);
      // fsck's walk: every file under a path.
      List<String> under = new ArrayList<>();
      ns.forEachFile("/a/a", (p, f) -> under.add(p));
      assertEquals(files, under);
      // The deepest path a client may name still resolves.
      assertTrue(ns.stat("/a".repeat(2048), Namespace.SYSTEM).directory());
      assertEquals(1, ns.holders(1));

      Namespace.DeleteResult r = ns.delete("/a", true, 99, Namespace.SYSTEM);
      assertEquals(1, r.files());
      assertEquals(DEPTH, r.directories());
      assertEquals(List.of(1L, 1L), List.of(r.garbage()[0], r.garbage()[1]));
      assertEquals(0, ns.directoryCount());
      assertEquals(0, ns.chunkCount());
      assertFalse(ns.isReferenced(1));
    });
  }

  @Test
  void movingADeepTreeChecksItsPathsWithoutRecursion() throws Throwable {
    SmallStack.run(() -> {
      Namespace ns = chain();
      ns.mkdir("/longer-name", false, 1, Namespace.SYSTEM);
      MetadataException e = assertThrows(MetadataException.class,
          () -> ns.rename("/a/a", "/longer-name", 2, Namespace.SYSTEM));
      assertEquals(Status.INVALID_ARGUMENT, e.status());
      assertTrue(e.getMessage().contains("over the path limit of 4096"), e.getMessage());
      // A move that makes no path longer is not walked: the deep tree may shrink.
      ns.rename("/a/a", "/b", 3, Namespace.SYSTEM);
      assertTrue(ns.stat("/b", Namespace.SYSTEM).directory());
      assertTrue(ns.list("/a", "", 10, Namespace.SYSTEM).entries().isEmpty());
      assertEquals(DEPTH + 1, ns.directoryCount());
      assertEquals(DEPTH - 1, ns.delete("/b", true, 4, Namespace.SYSTEM).directories());
    });
  }
}
