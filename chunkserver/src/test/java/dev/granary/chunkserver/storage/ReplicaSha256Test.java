package dev.granary.chunkserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The writer's SHA-256 check: a replica whose bytes do not hash to what the writer expects is never
 * committed, and the digest of a committed one survives a restart, whichever way it was committed
 * (through the journal, through its own meta file, around the page cache).
 */
class ReplicaSha256Test {
  @TempDir Path dir;

  private DiskReplicaStore open() throws Exception {
    return DiskReplicaStore.open(new StoreLayout(dir), 0, () -> 1L << 40, "cs-test",
        CommitStep.Hook.NONE);
  }

  private static Sha256 sha(byte[] data) {
    return Sha256.of(Sha256.newDigest().digest(data));
  }

  private long filesIn(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @ParameterizedTest(name = "{0} bytes, kept cached {1}")
  @CsvSource({"1000, true", "0, true", "196613, true", "196613, false"})
  void aWrongSha256IsIntegrityAndNothingIsCommitted(int size, boolean keepCached)
      throws Exception {
    byte[] data = DiskReplicaStoreTest.data(size);
    DiskReplicaStore s = open();
    try {
      long freeBefore = s.space().freeBytes();
      ReplicaWriter w = s.create(7, 1, size, keepCached);
      DiskReplicaStoreTest.append(w, data);
      byte[] other = data.clone();
      if (size > 0) {
        other[size / 2] ^= 1;
      } else {
        other = new byte[1];
      }
      Sha256 wrong = sha(other);
      StoreException e = assertThrows(StoreException.class, () -> w.prepare(wrong));
      assertEquals(Status.INTEGRITY, e.status());
      assertTrue(e.getMessage().contains(wrong.hex()) && e.getMessage().contains(sha(data).hex()),
          e.getMessage());
      w.abort();
      assertNull(s.get(7));
      assertEquals(0, filesIn(s.layout().replicas()));
      assertEquals(0, filesIn(s.layout().tmp()));
      assertEquals(freeBefore, s.space().freeBytes());
      assertEquals(0, s.space().usedBytes());
      // Nothing holds the handle: the writer can store it again, with the right digest.
      ReplicaWriter again = s.create(7, 1, size, keepCached);
      DiskReplicaStoreTest.append(again, data);
      again.prepare(sha(data));
      assertEquals(sha(data), again.commit().sha256());
    } finally {
      s.close();
    }
    assertEquals(sha(data), open().get(7).sha256());
  }

  @ParameterizedTest(name = "{0} bytes, kept cached {1}")
  @CsvSource({"1000, true", "65536, true", "196613, true", "196613, false"})
  void theRightSha256AndNoneBothCommitAndTheDigestIsKept(int size, boolean keepCached)
      throws Exception {
    byte[] data = DiskReplicaStoreTest.data(size);
    DiskReplicaStore s = open();
    ReplicaMeta checked;
    ReplicaMeta unchecked;
    try {
      ReplicaWriter w = s.create(1, 1, size, keepCached);
      DiskReplicaStoreTest.append(w, data);
      w.prepare(sha(data));
      checked = w.commit();
      ReplicaWriter none = s.create(2, 1, size, keepCached);
      DiskReplicaStoreTest.append(none, data);
      none.prepare(Sha256.NONE);
      unchecked = none.commit();
      // With no value to check, the node still records what it computed.
      assertEquals(sha(data), checked.sha256());
      assertEquals(sha(data), unchecked.sha256());
      try (ReplicaStore.OpenReplica r = s.open(1)) {
        assertEquals(checked, r.meta());
      }
    } finally {
      s.close();
    }
    DiskReplicaStore again = open();
    try {
      assertEquals(checked, again.get(1));
      assertEquals(unchecked, again.get(2));
      assertEquals(sha(data), MetaFile.read(again.layout().metaFile(1), 1).meta().sha256());
    } finally {
      again.close();
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @CsvSource({"1000", "65536"})
  void aJournaledReplicaKeepsItsSha256ThroughACrashReplay(int size) throws Exception {
    byte[] data = DiskReplicaStoreTest.data(size);
    DiskReplicaStore s = open();
    ReplicaWriter w = s.create(3, 1, size);
    DiskReplicaStoreTest.append(w, data);
    w.prepare(sha(data));
    ReplicaMeta m = w.commit();
    // No close: the process dies with the replica only in the journal (its meta file unwritten).
    assertTrue(size <= ReplicaJournal.DEFERRED_MAX && Files.notExists(s.layout().metaFile(3)));
    s.journal().close();
    DiskReplicaStore replayed = open();
    try {
      assertEquals(m, replayed.get(3));
      assertEquals(sha(data), replayed.get(3).sha256());
    } finally {
      replayed.close();
    }
  }
}
