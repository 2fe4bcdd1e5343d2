package dev.granary.chunkserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Checksums;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DiskReplicaStoreTest {
  private static final long DISK = 1L << 40;

  @TempDir Path dir;

  /** Thrown by a hook to stop a commit dead, as kill -9 would: no cleanup runs. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;
  }

  private StoreLayout layout() {
    return new StoreLayout(dir);
  }

  private DiskReplicaStore open() throws Exception {
    return open(0, DISK, CommitStep.Hook.NONE);
  }

  private DiskReplicaStore open(long capacity, long usable, CommitStep.Hook hook)
      throws Exception {
    return DiskReplicaStore.open(layout(), capacity, () -> usable, "cs-test", hook);
  }

  static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  static void append(ReplicaWriter w, byte[] data) throws Exception {
    for (int off = 0; off < data.length; off += Limits.BLOCK_SIZE) {
      int n = Math.min(Limits.BLOCK_SIZE, data.length - off);
      w.append(ByteBuffer.wrap(data, off, n), Checksums.crc32c(data, off, n));
    }
  }

  static ReplicaMeta write(ReplicaStore s, long handle, byte[] data) throws Exception {
    ReplicaWriter w = s.create(handle, 1, data.length);
    append(w, data);
    w.prepare();
    return w.commit();
  }

  private List<Path> list(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  @Test
  void committedReplicaIsStoredVerbatimAndVerifies() throws Exception {
    DiskReplicaStore s = open();
    byte[] data = data(3 * Limits.BLOCK_SIZE + 5);
    ReplicaMeta m = write(s, 10, data);
    assertEquals(data.length, m.length());
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(10)));
    assertTrue(Files.exists(layout().metaFile(10)));
    assertEquals(m, s.get(10));
    assertEquals(m, s.verify(10, Throttle.NONE));
    try (ReplicaStore.OpenReplica r = s.open(10)) {
      assertEquals(4, r.blockCrcs().length);
      assertEquals(Checksums.crc32c(data, 3 * Limits.BLOCK_SIZE, 5), r.blockCrcs()[3]);
    }
    assertTrue(list(layout().tmp()).isEmpty());
    assertEquals(data.length, s.space().usedBytes());
    // A fresh store over the same directory sees the same replica.
    assertEquals(m, open().get(10));
  }

  @Test
  void blockVerificationFindsAFlippedByte() throws Exception {
    DiskReplicaStore s = open();
    byte[] data = data(2 * Limits.BLOCK_SIZE);
    write(s, 11, data);
    flipByte(layout().chunkFile(11), Limits.BLOCK_SIZE + 17);
    CorruptReplicaException e = assertThrows(CorruptReplicaException.class,
        () -> s.verify(11, Throttle.NONE));
    assertTrue(e.getMessage().contains("block 1"), e.getMessage());
    assertNotNull(s.quarantine(11, "test"));
    assertNull(s.get(11));
    assertFalse(Files.exists(layout().chunkFile(11)));
    assertEquals(2, list(layout().quarantine()).size());
    StoreException gone = assertThrows(StoreException.class, () -> s.open(11));
    assertEquals(Status.NO_SUCH_REPLICA, gone.status());
  }

  @Test
  void truncatedDataFileIsQuarantinedAtStartUp() throws Exception {
    DiskReplicaStore s = open();
    write(s, 12, data(1000));
    // Damage at rest: the replica is in its own files, no longer in the journal.
    s.checkpoint(true);
    try (RandomAccessFile f = new RandomAccessFile(layout().chunkFile(12).toFile(), "rw")) {
      f.setLength(999);
    }
    DiskReplicaStore again = open();
    assertNull(again.get(12));
    assertEquals(2, list(layout().quarantine()).size());
  }

  @ParameterizedTest
  @EnumSource(value = CommitStep.class, names = "JOURNAL_FORCED", mode = EnumSource.Mode.EXCLUDE)
  void crashAfterAnyCommitStepLeavesAllOrNothing(CommitStep crashAt) throws Exception {
    crashAfter(crashAt, data(Limits.BLOCK_SIZE + 100), true);
  }

  /** The same for a replica written around the page cache (direct I/O), with a partial tail. */
  @ParameterizedTest
  @EnumSource(value = CommitStep.class, names = "JOURNAL_FORCED", mode = EnumSource.Mode.EXCLUDE)
  void crashAfterAnyCommitStepOfADirectWriteLeavesAllOrNothing(CommitStep crashAt)
      throws Exception {
    crashAfter(crashAt, data(DirectIo.STAGING + 3 * Limits.BLOCK_SIZE + 5000), false);
  }

  private void crashAfter(CommitStep crashAt, byte[] data, boolean keepCached) throws Exception {
    DiskReplicaStore s = open(0, DISK, step -> {
      if (step == crashAt) {
        throw new SimulatedCrash();
      }
    });
    ReplicaWriter w = s.create(13, 2, data.length, keepCached);
    append(w, data);
    assertThrows(SimulatedCrash.class, () -> {
      w.prepare();
      w.commit();
    });
    DiskReplicaStore restarted = open();
    ReplicaMeta m = restarted.get(13);
    if (crashAt == CommitStep.DATA_RENAMED || crashAt == CommitStep.DIR_FORCED) {
      assertNotNull(m, "the replica is whole once both files are in place");
      assertEquals(data.length, m.length());
      assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(13)));
      restarted.verify(13, Throttle.NONE);
    } else {
      assertNull(m, "no replica before both files are in place");
      assertFalse(Files.exists(layout().chunkFile(13)));
      assertFalse(Files.exists(layout().metaFile(13)));
    }
    assertTrue(list(layout().tmp()).isEmpty(), "tmp/ emptied at start-up");
  }

  /**
   * A power loss after both renames but before the directory is forced may keep any subset of the
   * two renames: each subset must come back as the whole replica or nothing, never a torn one.
   */
  @ParameterizedTest
  @EnumSource(names = {"NONE", "META_ONLY", "DATA_ONLY", "BOTH"})
  void powerLossKeepingAnySubsetOfTheRenamesIsWholeOrNothing(RenamesKept kept) throws Exception {
    DiskReplicaStore s = open(0, DISK, step -> {
      if (step == CommitStep.DATA_RENAMED) {
        throw new SimulatedCrash();
      }
    });
    byte[] data = data(2 * Limits.BLOCK_SIZE + 7);
    ReplicaWriter w = s.create(17, 3, data.length);
    append(w, data);
    assertThrows(SimulatedCrash.class, () -> {
      w.prepare();
      w.commit();
    });
    // Undo the renames the disk "lost": the files go back to tmp/ under their temporary names.
    if (!kept.meta) {
      Files.move(layout().metaFile(17), layout().tmp().resolve("lost.meta.tmp"));
    }
    if (!kept.data) {
      Files.move(layout().chunkFile(17), layout().tmp().resolve("lost.chunk.tmp"));
    }
    DiskReplicaStore restarted = open();
    ReplicaMeta m = restarted.get(17);
    if (kept == RenamesKept.BOTH) {
      assertNotNull(m);
      assertEquals(data.length, m.length());
      assertEquals(m, restarted.verify(17, Throttle.NONE));
    } else {
      assertNull(m);
      assertTrue(list(layout().replicas()).isEmpty(), () -> "left " + kept);
    }
    assertTrue(list(layout().tmp()).isEmpty());
  }

  enum RenamesKept {
    NONE(false, false), META_ONLY(true, false), DATA_ONLY(false, true), BOTH(true, true);

    final boolean meta;
    final boolean data;

    RenamesKept(boolean meta, boolean data) {
      this.meta = meta;
      this.data = data;
    }
  }

  @Test
  void aReplicaLargerThanTheFlushBehindIntervalCommitsWholeAndAbortsClean() throws Exception {
    DiskReplicaStore s = open();
    // Several flush-behind requests while the replica streams in, then the commit's own force.
    byte[] data = data((int) (2 * FlushBehind.INTERVAL + 3 * Limits.BLOCK_SIZE + 17));
    ReplicaMeta m = write(s, 30, data);
    assertEquals(data.length, m.length());
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(30)));
    assertEquals(m, s.verify(30, Throttle.NONE));
    // An abort with a flush-behind possibly still running removes every temporary file.
    ReplicaWriter w = s.create(31, 1, data.length);
    append(w, data);
    w.abort();
    assertTrue(list(layout().tmp()).isEmpty());
    assertNull(s.get(31));
  }

  /**
   * Replicas written around the page cache: staged in aligned buffers, the aligned part written
   * with direct I/O and a partial final block through the page cache. Sizes on and around the
   * staging buffer and the alignment, and one announced large but journaled (64 KiB or less).
   */
  @ParameterizedTest
  @ValueSource(ints = {100, Limits.BLOCK_SIZE, Limits.BLOCK_SIZE + 1, 3 * Limits.BLOCK_SIZE + 4095,
      3 * Limits.BLOCK_SIZE + 4096, 3 * Limits.BLOCK_SIZE + 4097, DirectIo.STAGING,
      DirectIo.STAGING + 1, 3 * DirectIo.STAGING + 5 * Limits.BLOCK_SIZE + 777})
  void aReplicaWrittenAroundThePageCacheIsStoredVerbatim(int size) throws Exception {
    DiskReplicaStore s = open();
    byte[] data = data(size);
    ReplicaWriter w = s.create(50, 1, 8L * DirectIo.STAGING, false);
    append(w, data);
    w.prepare();
    ReplicaMeta m = w.commit();
    assertEquals(size, m.length());
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(50)));
    assertEquals(m, s.verify(50, Throttle.NONE));
    assertTrue(list(layout().tmp()).isEmpty());
    s.close();
    DiskReplicaStore again = open();
    assertEquals(m, again.verify(50, Throttle.NONE));
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(50)));
  }

  @Test
  void anAbortedDirectWriteLeavesNothingAndTheNextOneWorks() throws Exception {
    DiskReplicaStore s = open();
    byte[] data = data(2 * DirectIo.STAGING + 3 * Limits.BLOCK_SIZE);
    ReplicaWriter w = s.create(51, 1, data.length, false);
    append(w, data);
    w.abort();
    assertTrue(list(layout().tmp()).isEmpty());
    assertNull(s.get(51));
    // The staging buffer went back to the pool and is reused whole.
    ReplicaWriter again = s.create(51, 1, data.length, false);
    append(again, data);
    again.prepare();
    again.commit();
    assertArrayEquals(data, Files.readAllBytes(layout().chunkFile(51)));
  }

  @Test
  void aFileSystemWithoutDirectIoIsDetectedAndWrittenThroughThePageCache() throws Exception {
    assertFalse(DirectIo.probe(dir.resolve("no-such-dir"), "cs-test").enabled());
    DirectIo.probe(dir, "cs-test"); // ext4 and xfs take it, tmpfs may not: either way no file left
    assertTrue(list(dir).isEmpty(), "the probe file is removed");
  }

  @Test
  void journaledAndOneBlockReplicasOpenFromMemory() throws Exception {
    DiskReplicaStore s = open();
    byte[] small = data(4000);
    write(s, 60, small);
    write(s, 61, data(2 * Limits.BLOCK_SIZE + 1)); // forced in its own files: meta on disk
    write(s, 64, new byte[0]);
    try (ReplicaStore.OpenReplica r = s.openFromMemory(60)) {
      assertNotNull(r, "journaled, meta file not written yet: CRCs in memory");
      assertArrayEquals(new int[] {Checksums.crc32c(small, 0, small.length)}, r.blockCrcs());
      ByteBuffer b = ByteBuffer.allocate(small.length);
      r.data().read(b, 0);
      assertArrayEquals(small, b.array());
    }
    assertNull(s.openFromMemory(61), "two blocks, a meta file to read: the I/O pool's job");
    assertNull(s.openFromMemory(62), "no such replica");
    s.checkpoint(true);
    try (ReplicaStore.OpenReplica r = s.openFromMemory(60)) {
      assertNotNull(r, "checkpointed, one block: its CRC follows from its digest");
      assertArrayEquals(new int[] {Checksums.crc32c(small, 0, small.length)}, r.blockCrcs());
    }
    try (ReplicaStore.OpenReplica r = s.openFromMemory(64)) {
      assertArrayEquals(new int[0], r.blockCrcs(), "empty");
    }
    flipByte(layout().chunkFile(60), 17);
    assertNull(s.openFromMemory(60), "a block that no longer matches: the full open decides");
    try (ReplicaStore.OpenReplica r = s.open(60)) {
      assertArrayEquals(new int[] {Checksums.crc32c(small, 0, small.length)}, r.blockCrcs(),
          "the full open hands out the stored CRC, which the reader finds wrong");
    }
    write(s, 63, data(100));
    s.delete(63, 1);
    assertNull(s.openFromMemory(63), "deleted");
  }

  private static void flipByte(Path file, long pos) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(pos);
      int b = f.read();
      f.seek(pos);
      f.write(b ^ 1);
    }
  }

  @Test
  void crashMidWriteLeavesNothing() throws Exception {
    DiskReplicaStore s = open();
    ReplicaWriter w = s.create(14, 1, 10 * Limits.BLOCK_SIZE);
    append(w, data(3 * Limits.BLOCK_SIZE));
    // No prepare, no abort: the process died here.
    assertEquals(1, list(layout().tmp()).size(), "the data file, in tmp/ only");
    DiskReplicaStore restarted = open();
    assertNull(restarted.get(14));
    assertTrue(list(layout().tmp()).isEmpty());
    assertTrue(list(layout().replicas()).isEmpty());
  }

  @Test
  void orphanFilesAreRemovedAtStartUp() throws Exception {
    DiskReplicaStore s = open();
    write(s, 15, data(100));
    write(s, 16, data(100));
    s.checkpoint(true);
    Files.delete(layout().metaFile(15)); // .chunk without .meta
    Files.delete(layout().chunkFile(16)); // .meta without .chunk
    Files.write(layout().tmp().resolve("leftover.chunk.tmp"), new byte[10]);
    DiskReplicaStore restarted = open();
    assertTrue(restarted.replicas().isEmpty());
    assertTrue(list(layout().replicas()).isEmpty());
    assertTrue(list(layout().tmp()).isEmpty());
  }

  @Test
  void writeThatDoesNotFitIsRefusedBeforeAnyByte() throws Exception {
    DiskReplicaStore s = open(1 << 20, DISK, CommitStep.Hook.NONE);
    StoreException e = assertThrows(StoreException.class, () -> s.create(20, 1, (1 << 20) + 1));
    assertEquals(Status.NO_SPACE, e.status());
    assertTrue(e.getMessage().contains("cs-test"), e.getMessage());
    assertTrue(list(layout().tmp()).isEmpty());
    // Reservations count: two writes of 600 KiB do not both fit in 1 MiB.
    ReplicaWriter first = s.create(21, 1, 600 << 10);
    assertEquals(Status.NO_SPACE,
        assertThrows(StoreException.class, () -> s.create(22, 1, 600 << 10)).status());
    first.abort();
    s.create(22, 1, 600 << 10).abort();
    // The disk's own free space bounds capacity 0.
    DiskReplicaStore small = open(0, 1000, CommitStep.Hook.NONE);
    assertEquals(Status.NO_SPACE,
        assertThrows(StoreException.class, () -> small.create(23, 1, 1001)).status());
    assertEquals(1000, small.space().freeBytes());
  }

  @Test
  void duplicatesAndOversizedAppendsAreRefused() throws Exception {
    DiskReplicaStore s = open();
    write(s, 30, data(10));
    assertEquals(Status.ALREADY_EXISTS,
        assertThrows(StoreException.class, () -> s.create(30, 1, 10)).status());
    ReplicaWriter w = s.create(31, 1, 10);
    assertEquals(Status.ALREADY_EXISTS,
        assertThrows(StoreException.class, () -> s.create(31, 1, 10)).status());
    assertEquals(Status.INVALID_ARGUMENT, assertThrows(StoreException.class,
        () -> w.append(ByteBuffer.wrap(new byte[11]), 0)).status());
    w.abort();
    assertTrue(list(layout().tmp()).isEmpty());
  }

  @Test
  void deleteHonoursVersions() throws Exception {
    DiskReplicaStore s = open();
    ReplicaWriter w = s.create(40, 5, 10);
    append(w, data(10));
    w.prepare();
    w.commit();
    assertEquals(Status.STALE_VERSION,
        assertThrows(StoreException.class, () -> s.delete(40, 4)).status());
    assertNotNull(s.delete(40, 5));
    assertNull(s.delete(40, 5));
    assertTrue(list(layout().replicas()).isEmpty());
    assertEquals(0, s.space().usedBytes());
  }
}
