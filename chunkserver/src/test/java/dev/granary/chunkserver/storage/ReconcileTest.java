package dev.granary.chunkserver.storage;

import static dev.granary.chunkserver.storage.DiskReplicaStoreTest.append;
import static dev.granary.chunkserver.storage.DiskReplicaStoreTest.data;
import static dev.granary.chunkserver.storage.DiskReplicaStoreTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.storage.ReplicaStore.Dropped;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DiskReplicaStore#reconcile()}: memory made to agree with what is on the disk. */
class ReconcileTest {
  /** Larger than one journal record: committed with both files, meta file at once. */
  private static final int LARGE = 3 * Limits.BLOCK_SIZE + 5;
  /** At most one block: committed through the journal, meta file written by the checkpoint. */
  private static final int SMALL = 1000;

  @TempDir Path dir;

  private StoreLayout layout() {
    return new StoreLayout(dir);
  }

  private DiskReplicaStore open(CommitStep.Hook hook) throws Exception {
    return DiskReplicaStore.open(layout(), 0, () -> 1L << 40, "cs-r", hook);
  }

  private List<String> quarantined() throws Exception {
    try (Stream<Path> s = Files.list(layout().quarantine())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void truncate(Path p, long length) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  @Test
  void aDeletedDataFileDropsTheReplicaOnceAndKeepsItsMetaFileAside() throws Exception {
    DiskReplicaStore s = open(CommitStep.Hook.NONE);
    ReplicaMeta gone = write(s, 1, data(LARGE));
    ReplicaMeta kept = write(s, 2, data(LARGE));
    Files.delete(layout().chunkFile(1));

    List<Dropped> dropped = s.reconcile();
    assertEquals(1, dropped.size(), dropped::toString);
    Dropped d = dropped.get(0);
    assertEquals(gone, d.meta());
    assertTrue(d.vanished());
    assertTrue(d.reason().contains("data file") && d.reason().contains("missing"), d.reason());
    assertNull(s.get(1));
    assertEquals(kept, s.get(2));
    assertEquals(LARGE, s.space().usedBytes());
    StoreException e = assertThrows(StoreException.class, () -> s.open(1));
    assertEquals(Status.NO_SUCH_REPLICA, e.status());
    // Not silently deleted: what was left (its meta file) is kept for inspection.
    List<String> q = quarantined();
    assertEquals(1, q.size(), q::toString);
    assertTrue(q.get(0).startsWith("0000000000000001-") && q.get(0).endsWith(".meta"), q::toString);
    assertFalse(Files.exists(layout().metaFile(1)));
    // Reported once: the next pass finds everything in order.
    assertEquals(List.of(), s.reconcile());
    // The handle can be stored again (the master re-creates the replica, possibly here).
    byte[] again = data(LARGE);
    write(s, 1, again);
    assertArrayEquals(again, Files.readAllBytes(layout().chunkFile(1)));
    assertEquals(List.of(), s.reconcile());
  }

  @Test
  void aTruncatedDataFileIsQuarantinedWhole() throws Exception {
    DiskReplicaStore s = open(CommitStep.Hook.NONE);
    ReplicaMeta m = write(s, 3, data(LARGE));
    truncate(layout().chunkFile(3), LARGE - 100);

    assertNull(s.reconcile(99), "no such replica: nothing to say");
    Dropped d = s.reconcile(3);
    assertNotNull(d);
    assertEquals(m, d.meta());
    assertFalse(d.vanished(), "damaged, not vanished");
    assertTrue(d.reason().contains((LARGE - 100) + " bytes, expected " + LARGE), d.reason());
    assertNull(s.get(3));
    assertEquals(0, s.space().usedBytes());
    List<String> q = quarantined();
    assertEquals(2, q.size(), q::toString);
    assertTrue(q.get(0).endsWith(".chunk") && q.get(1).endsWith(".meta"), q::toString);
    assertFalse(Files.exists(layout().chunkFile(3)));
    assertFalse(Files.exists(layout().metaFile(3)));
  }

  @Test
  void aMissingMetaFileDropsTheReplicaAndKeepsItsDataAside() throws Exception {
    DiskReplicaStore s = open(CommitStep.Hook.NONE);
    write(s, 4, data(LARGE));
    Files.delete(layout().metaFile(4));

    List<Dropped> dropped = s.reconcile();
    assertEquals(1, dropped.size(), dropped::toString);
    assertTrue(dropped.get(0).vanished());
    assertTrue(dropped.get(0).reason().contains("meta file"), dropped.get(0).reason());
    assertNull(s.get(4));
    List<String> q = quarantined();
    assertEquals(1, q.size(), q::toString);
    assertTrue(q.get(0).endsWith(".chunk"), q::toString);
    assertFalse(Files.exists(layout().chunkFile(4)));
  }

  @Test
  void aJournaledReplicaWithoutItsMetaFileYetIsLegitimate() throws Exception {
    DiskReplicaStore s = open(CommitStep.Hook.NONE);
    ReplicaMeta m = write(s, 5, data(SMALL));
    assertFalse(Files.exists(layout().metaFile(5)), "the checkpoint writes it later");
    assertEquals(List.of(), s.reconcile());
    assertEquals(m, s.get(5));
    s.checkpoint(true);
    assertTrue(Files.exists(layout().metaFile(5)));
    assertEquals(List.of(), s.reconcile());
    // Once written, the meta file is required like any other.
    Files.delete(layout().metaFile(5));
    assertEquals(1, s.reconcile().size());
    assertNull(s.get(5));
  }

  @Test
  void aDroppedJournaledReplicaIsNotBroughtBackByAReplay() throws Exception {
    DiskReplicaStore s = open(CommitStep.Hook.NONE);
    write(s, 6, data(SMALL));
    write(s, 7, data(SMALL));
    Files.delete(layout().chunkFile(6));
    assertEquals(1, s.reconcile().size());
    // A crash now (the store is not closed): start-up replays the journal.
    DiskReplicaStore after = open(CommitStep.Hook.NONE);
    assertNull(after.get(6), "the journal's removal record wins");
    assertNotNull(after.get(7));
    assertFalse(Files.exists(layout().chunkFile(6)));
  }

  @Test
  void replicasBeingWrittenOrCommittedAreNeverDropped() throws Exception {
    List<List<Dropped>> seen = new ArrayList<>();
    DiskReplicaStore[] store = new DiskReplicaStore[1];
    // Reconcile at every step of every commit: files half renamed, meta file not yet written.
    DiskReplicaStore s = open(step -> seen.add(store[0].reconcile()));
    store[0] = s;
    ReplicaWriter w = s.create(8, 1, LARGE);
    append(w, data(LARGE));
    assertEquals(List.of(), s.reconcile(), "a write in progress lives in tmp/ only");
    w.prepare();
    w.commit();
    write(s, 9, data(SMALL));
    assertFalse(seen.isEmpty());
    for (List<Dropped> d : seen) {
      assertEquals(List.of(), d);
    }
    assertNotNull(s.get(8));
    assertNotNull(s.get(9));
    assertEquals(List.of(), s.reconcile());
  }

  @Test
  void concurrentCommitsDeletesAndCheckpointsAreNotMistakenForLosses() throws Exception {
    DiskReplicaStore s = open(CommitStep.Hook.NONE);
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<Dropped> dropped = new ConcurrentLinkedQueue<>();
    Thread reconciler = new Thread(() -> {
      while (!done.get()) {
        dropped.addAll(s.reconcile());
      }
    }, "reconciler");
    reconciler.start();
    try {
      for (long h = 100; h < 300; h++) {
        write(s, h, data(h % 2 == 0 ? SMALL : LARGE));
        if (h % 3 == 0) {
          assertNotNull(s.delete(h - 1, 1));
        }
        if (h % 10 == 0) {
          s.checkpoint(true);
        }
      }
    } finally {
      done.set(true);
      reconciler.join(10_000);
    }
    assertFalse(reconciler.isAlive());
    assertEquals(List.of(), List.copyOf(dropped));
    assertEquals(List.of(), quarantined());
  }
}
