package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.NodeAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A spare allocation is used once, for its replication (and directory), while fresh. */
class SpareAllocationTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final SpareAllocation spare = new SpareAllocation(Duration.ofSeconds(1), now::get);
  private final AllocateChunkResponse alloc = new AllocateChunkResponse(7, 1,
      List.of(new NodeAddress("cs-0", "127.0.0.1", 7071)));

  @Test
  void takenOnceForItsReplication() {
    spare.offer(alloc, 3, "/d");
    assertSame(alloc, spare.take(3, "/d"));
    assertNull(spare.take(3, "/d"), "handed out once");
    spare.offer(alloc, 3, "/d");
    assertNull(spare.take(2, "/d"), "another replication: not used, and dropped");
    assertNull(spare.take(3, "/d"));
  }

  @Test
  void aSpareWhoseReplicationTheMasterChoseServesOnlyItsDirectory() {
    spare.offer(alloc, 0, "/a");
    assertNull(spare.take(0, "/b"), "another directory may have another policy: dropped");
    spare.offer(alloc, 0, "/a");
    assertSame(alloc, spare.take(0, "/a"));
    spare.offer(alloc, 0, "/a");
    assertNull(spare.take(3, "/a"), "an explicit replication is not the master's choice");
  }

  @Test
  void aStaleSpareIsNotUsed() {
    spare.offer(alloc, 3, "/d");
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertSame(alloc, spare.take(3, "/d"), "exactly the maximum age is still fresh");
    spare.offer(alloc, 3, "/d");
    now.addAndGet(Duration.ofSeconds(1).toNanos() + 1);
    assertNull(spare.take(3, "/d"));
  }

  @Test
  void nothingOfferedNothingTaken() {
    spare.offer(null, 3, "/d");
    spare.offer(new AllocateChunkResponse(8, 1, List.of()), 3, "/d");
    assertNull(spare.take(3, "/d"));
  }
}
