package dev.granary.chunkserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.storage.CommitStep;
import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.ReplicaWriter;
import dev.granary.chunkserver.storage.StoreException;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.wire.Checksums;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenReplicasTest {
  @TempDir
  Path dir;

  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = new Ticker() {
    @Override
    public long read() {
      return nanos.get();
    }
  };
  private DiskReplicaStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = DiskReplicaStore.open(new StoreLayout(dir), 0, () -> 1L << 30, "cs-test",
        CommitStep.Hook.NONE);
  }

  private void put(long handle, int length) throws Exception {
    byte[] data = new byte[length];
    java.util.Arrays.fill(data, (byte) handle);
    ReplicaWriter w = store.create(handle, 1, length);
    w.append(ByteBuffer.wrap(data), Checksums.crc32c(data, 0, length));
    w.prepare();
    w.commit();
  }

  @Test
  void aSecondReadOfAReplicaIsServedFromTheKeptFile() throws Exception {
    put(7, 100);
    OpenReplicas open = new OpenReplicas(store, 4, ticker);
    assertNull(open.acquire(7), "nothing is kept before the first open");
    OpenReplicas.Lease first = open.open(7);
    first.release();
    OpenReplicas.Lease second = open.acquire(7);
    assertNotNull(second);
    assertSame(first.replica(), second.replica());
    assertTrue(second.replica().data().isOpen());
    assertEquals(100, second.replica().meta().length());
    second.release();
    second.release(); // releasing twice is harmless
    assertTrue(first.replica().data().isOpen(), "the cache's own reference keeps it open");
  }

  @Test
  void aDeletedOrQuarantinedReplicaIsNeverServedFromTheCache() throws Exception {
    put(1, 10);
    put(2, 20);
    OpenReplicas open = new OpenReplicas(store, 4, ticker);
    FileChannel one = open.open(1).replica().data(); // lease leaked on purpose: see below
    OpenReplicas.Lease two = open.open(2);
    two.release();
    store.delete(1, Long.MAX_VALUE);
    store.quarantine(2, "test");
    assertNull(open.acquire(1));
    assertNull(open.acquire(2));
    assertEquals(0, open.size());
    assertFalse(two.replica().data().isOpen(), "dropped and unleased: closed");
    assertTrue(one.isOpen(), "a read still holding its lease keeps its file");
    assertThrows(StoreException.class, () -> open.open(1));
  }

  @Test
  void aReplicaWrittenAgainUnderTheSameHandleIsReopened() throws Exception {
    put(3, 10);
    OpenReplicas open = new OpenReplicas(store, 4, ticker);
    OpenReplicas.Lease old = open.open(3);
    old.release();
    store.delete(3, Long.MAX_VALUE);
    put(3, 30);
    assertNull(open.acquire(3), "the kept file is the deleted replica's");
    OpenReplicas.Lease fresh = open.open(3);
    assertEquals(30, fresh.replica().meta().length());
    fresh.release();
  }

  @Test
  void idleEntriesAreClosedBySweepAndCapacityEvictsTheLeastRecentlyUsed() throws Exception {
    for (long h = 1; h <= 3; h++) {
      put(h, 10);
    }
    OpenReplicas open = new OpenReplicas(store, 2, ticker);
    OpenReplicas.Lease l1 = open.open(1);
    l1.release();
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
    OpenReplicas.Lease l2 = open.open(2);
    l2.release();
    open.acquire(1).release(); // 1 is now the most recently used
    OpenReplicas.Lease l3 = open.open(3); // evicts 2
    assertEquals(2, open.size());
    assertFalse(l2.replica().data().isOpen());
    assertTrue(l1.replica().data().isOpen());
    nanos.addAndGet(OpenReplicas.IDLE.toNanos());
    open.sweep();
    assertEquals(0, open.size());
    assertFalse(l1.replica().data().isOpen());
    assertTrue(l3.replica().data().isOpen(), "still leased");
    l3.release();
    assertFalse(l3.replica().data().isOpen());
  }

  @Test
  void afterCloseNothingIsKept() throws Exception {
    put(5, 10);
    OpenReplicas open = new OpenReplicas(store, 4, ticker);
    OpenReplicas.Lease a = open.open(5);
    open.close();
    assertTrue(a.replica().data().isOpen());
    a.release();
    assertFalse(a.replica().data().isOpen());
    OpenReplicas.Lease b = open.open(5);
    assertNull(open.acquire(5));
    b.release();
    assertFalse(b.replica().data().isOpen());
  }
}
