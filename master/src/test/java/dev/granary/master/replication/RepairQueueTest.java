package dev.granary.master.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairQueueTest {
  @Test
  void fewestLiveReplicasFirstThenQueueOrder() {
    RepairQueue q = new RepairQueue();
    q.add(1, 2);
    q.add(2, 1);
    q.add(3, 2);
    q.add(4, 0);
    q.add(5, 1);
    assertEquals(List.of(4L, 2L, 5L, 1L, 3L), q.inPriorityOrder());
    assertEquals(5, q.size());
  }

  @Test
  void aChunkCheckedAgainMovesToItsNewBucketOnce() {
    RepairQueue q = new RepairQueue();
    q.add(1, 2);
    q.add(2, 2);
    q.add(1, 2); // same count: keeps its place
    assertEquals(List.of(1L, 2L), q.inPriorityOrder());
    q.add(2, 1); // lost another replica
    assertEquals(List.of(2L, 1L), q.inPriorityOrder());
    assertEquals(2, q.size());
    q.remove(2);
    q.remove(9);
    assertEquals(List.of(1L), q.inPriorityOrder());
    assertTrue(q.contains(1));
    assertFalse(q.contains(2));
  }

  @Test
  void theWalksRemoveTakesTheCurrentChunkOut() {
    RepairQueue q = new RepairQueue();
    for (long h = 1; h <= 6; h++) {
      q.add(h, (int) (h % 3));
    }
    Iterator<Long> it = q.iterator();
    int seen = 0;
    while (it.hasNext()) {
      long h = it.next();
      seen++;
      if (h % 2 == 0) {
        it.remove();
      }
    }
    assertEquals(6, seen);
    assertEquals(List.of(3L, 1L, 5L), q.inPriorityOrder());
    assertEquals(3, q.size());
    assertFalse(q.isEmpty());
  }
}
