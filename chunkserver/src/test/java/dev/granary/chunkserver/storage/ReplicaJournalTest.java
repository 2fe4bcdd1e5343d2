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

import com.google.common.base.Ticker;
import dev.granary.chunkserver.storage.DiskReplicaStoreTest.SimulatedCrash;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Small replicas committed through the journal: whole after a crash at any step, after the page
 * cache is lost (power loss before write-back), with a torn journal tail, and never resurrected
 * once removed; segments are discarded only after their replicas are forced.
 */
class ReplicaJournalTest {
  private static final long DISK = 1L << 40;

  @TempDir Path dir;

  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = new Ticker() {
    @Override
    public long read() {
      return nanos.get();
    }
  };

  private StoreLayout layout() {
    return new StoreLayout(dir);
  }

  private DiskReplicaStore open(CommitStep.Hook hook) throws Exception {
    return DiskReplicaStore.open(layout(), 0, () -> DISK, "cs-j", hook, ticker);
  }

  private DiskReplicaStore open() throws Exception {
    return open(CommitStep.Hook.NONE);
  }

  private List<Path> list(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.sorted().toList();
    }
  }

  /** Bytes in the journal's segment files (the zero-filled tails included). */
  private long journalFiles() throws Exception {
    return list(layout().journal()).size();
  }

  @Test
  void aSmallReplicaIsJournaledAndItsFilesNeedNoForce() throws Exception {
    AtomicLong dirForces = new AtomicLong();
    DiskReplicaStore s = open(step -> {
      if (step == CommitStep.DIR_FORCED || step == CommitStep.DATA_FORCED) {
        dirForces.incrementAndGet();
      }
    });
    byte[] data = data(4096);
    ReplicaMeta m = write(s, 1, data);
    assertEquals(0, dirForces.get(), "a small replica takes the journal path");
    assertFalse(s.journal().isEmpty());
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(1)));
    assertFalse(Files.exists(layout().metaFile(1)), "the checkpoint writes the meta file");
    assertEquals(m, s.verify(1, Throttle.NONE));
    s.checkpoint(true);
    assertEquals(m, MetaFile.read(layout().metaFile(1), 1).meta());
    assertEquals(m, s.verify(1, Throttle.NONE));
    // One block and one byte more: the ordinary path, which forces its own files.
    write(s, 2, data(ReplicaJournal.DEFERRED_MAX + 1));
    assertEquals(2, dirForces.get());
  }

  @ParameterizedTest
  @EnumSource(value = CommitStep.class, names = {"JOURNAL_FORCED", "DATA_RENAMED"})
  void aCrashAfterTheJournalForceKeepsTheWholeReplica(CommitStep crashAt) throws Exception {
    DiskReplicaStore s = open(step -> {
      if (step == crashAt) {
        throw new SimulatedCrash();
      }
    });
    byte[] data = data(5000);
    ReplicaWriter w = s.create(3, 7, data.length);
    append(w, data);
    assertThrows(SimulatedCrash.class, () -> {
      w.prepare();
      w.commit();
    });
    DiskReplicaStore restarted = open();
    ReplicaMeta m = restarted.get(3);
    assertNotNull(m, "journaled before the crash: the replica is whole after it");
    assertEquals(7, m.version());
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(3)));
    assertEquals(m, restarted.verify(3, Throttle.NONE));
    assertTrue(list(layout().tmp()).isEmpty());
    assertTrue(restarted.journal().isEmpty(), "replayed segments are gone");
  }

  @Test
  void filesLostWithThePageCacheAreRewrittenFromTheJournal() throws Exception {
    DiskReplicaStore s = open();
    byte[] a = data(4096);
    byte[] b = data(300);
    byte[] c = data(ReplicaJournal.DEFERRED_MAX);
    write(s, 10, a);
    write(s, 11, b);
    write(s, 12, c);
    // A power loss before write-back: one replica's files never reached the disk, one data file
    // is there with its size but zeros, one meta file is gone.
    Files.delete(layout().chunkFile(10));
    try (RandomAccessFile f = new RandomAccessFile(layout().chunkFile(11).toFile(), "rw")) {
      f.write(new byte[300]);
    }
    // A meta file the checkpoint wrote but whose contents did not reach the disk.
    Files.write(layout().metaFile(12), new byte[60]);
    DiskReplicaStore restarted = open();
    assertArrayEquals(a, Files.readAllBytes(layout().chunkFile(10)));
    assertArrayEquals(b, Files.readAllBytes(layout().chunkFile(11)));
    assertArrayEquals(c, Files.readAllBytes(layout().chunkFile(12)));
    for (long h : new long[] {10, 11, 12}) {
      assertEquals(restarted.get(h), restarted.verify(h, Throttle.NONE));
    }
    assertTrue(list(layout().quarantine()).isEmpty());
  }

  @Test
  void aTornRecordEndsTheJournalAndLosesNothingAcknowledged() throws Exception {
    DiskReplicaStore s = open();
    byte[] data = data(2000);
    write(s, 20, data);
    Path segment = list(layout().journal()).get(0);
    long end;
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      // The first record's length, from its header: magic (4), kind (1), body length (4).
      f.seek(5);
      end = 9 + f.readInt() + 4;
      // A crash in the middle of the next (never acknowledged) record's append.
      f.seek(end);
      f.write(new byte[] {0x47, 0x52, 0x4E, 0x4A, 1, 0, 0, 0x10, 0, 1, 2, 3, 4});
    }
    Files.delete(layout().chunkFile(20));
    DiskReplicaStore restarted = open();
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(20)));
    assertEquals(1, restarted.replicas().size());
    // A flipped byte inside a record fails its checksum: that record and all after are ignored.
    write(restarted, 21, data(100));
    restarted.checkpoint(true);
    write(restarted, 22, data(100));
    Path live = list(layout().journal()).get(list(layout().journal()).size() - 1);
    try (RandomAccessFile f = new RandomAccessFile(live.toFile(), "rw")) {
      f.seek(40);
      int x = f.read();
      f.seek(40);
      f.write(x ^ 0x10);
    }
    Files.delete(layout().chunkFile(22));
    DiskReplicaStore again = open();
    assertNotNull(again.get(21), "21 was forced by the checkpoint");
    assertNull(again.get(22), "22's only record is corrupt and its data file is gone");
  }

  @Test
  void removedAndAbortedReplicasAreNotResurrected() throws Exception {
    DiskReplicaStore s = open();
    write(s, 30, data(100));
    write(s, 31, data(100));
    write(s, 32, data(100));
    assertNotNull(s.delete(30, 1));
    assertNotNull(s.quarantine(31, "test"));
    ReplicaWriter w = s.create(33, 1, 100);
    append(w, data(100));
    w.prepare();
    w.abort();
    DiskReplicaStore restarted = open();
    assertNull(restarted.get(30));
    assertNull(restarted.get(31));
    assertNull(restarted.get(33));
    assertNotNull(restarted.get(32));
    assertEquals(List.of(layout().chunkFile(32), layout().metaFile(32)),
        list(layout().replicas()));
  }

  @Test
  void segmentsAreDiscardedOnlyAfterTheirAgeAndTheirReplicasSurvive() throws Exception {
    DiskReplicaStore s = open();
    byte[] data = data(4096);
    write(s, 40, data);
    s.checkpoint(false);
    assertEquals(1, journalFiles(), "too young to seal");
    nanos.addAndGet(JournalCheckpointer.ROTATE_AFTER_NANOS);
    s.checkpoint(false);
    assertEquals(2, journalFiles(), "sealed, a new segment started");
    nanos.addAndGet(JournalCheckpointer.DISCARD_AFTER_NANOS - 1);
    s.checkpoint(false);
    assertEquals(2, journalFiles(), "sealed, not yet old enough to discard");
    nanos.addAndGet(1);
    s.checkpoint(false);
    assertEquals(1, journalFiles(), "discarded once old enough");
    assertTrue(s.journal().isEmpty());
    // Nothing journaled any more: the replica lives in its own (forced) files.
    DiskReplicaStore restarted = open();
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(40)));
    assertEquals(restarted.get(40), restarted.verify(40, Throttle.NONE));
  }

  @Test
  void aSegmentWithACommitInFlightIsKept() throws Exception {
    DiskReplicaStore s = open();
    ReplicaWriter w = s.create(50, 1, 100);
    append(w, data(100));
    w.prepare(); // journaled, not yet renamed
    s.checkpoint(true);
    assertFalse(s.journal().isEmpty(), "its record must outlive the rename");
    w.commit();
    s.checkpoint(true);
    assertTrue(s.journal().isEmpty());
    assertNotNull(open().get(50));
  }

  @Test
  void concurrentCommitsShareForcesAndAllSurviveACrash() throws Exception {
    DiskReplicaStore s = open();
    int n = 64;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ReplicaMeta>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long h = 100 + i;
        done.add(pool.submit(() -> write(s, h, data(1000 + (int) h))));
      }
      for (Future<ReplicaMeta> f : done) {
        assertNotNull(f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    // Lose every replica file, as if none had been written back.
    for (int i = 0; i < n; i++) {
      Files.delete(layout().chunkFile(100 + i));
    }
    DiskReplicaStore restarted = open();
    assertEquals(n, restarted.replicas().size());
    for (int i = 0; i < n; i++) {
      assertArrayEquals(data(1100 + i), Files.readAllBytes(layout().chunkFile(100 + i)));
    }
  }

  @Test
  void aReplicaDeletedBeforeTheCheckpointGetsNoMetaFile() throws Exception {
    DiskReplicaStore s = open();
    write(s, 70, data(100));
    write(s, 71, data(100));
    assertNotNull(s.delete(70, 1));
    s.checkpoint(true);
    assertEquals(List.of(layout().chunkFile(71), layout().metaFile(71)),
        list(layout().replicas()));
    assertTrue(list(layout().tmp()).isEmpty());
  }

  @Test
  void aCleanCloseLeavesNothingToReplay() throws Exception {
    DiskReplicaStore s = open();
    write(s, 60, data(100));
    s.close();
    assertTrue(ReplicaJournal.read(layout().journal(), "cs-j").records() == 0);
    assertNotNull(open().get(60));
  }
}
