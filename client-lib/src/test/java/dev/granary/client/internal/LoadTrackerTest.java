package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.granary.wire.msg.NodeAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadTrackerTest {
  private final NodeAddress head = new NodeAddress("cs-a", "127.0.0.1", 1);
  private final NodeAddress second = new NodeAddress("cs-b", "127.0.0.1", 2);
  private final NodeAddress third = new NodeAddress("cs-c", "127.0.0.1", 3);
  private final LoadTracker load = new LoadTracker();

  @Test
  void aLoneSequentialReaderStaysOnTheFirstListedReplica() {
    for (int i = 0; i < LoadTracker.SPREAD; i++) {
      assertEquals(head, load.pick(List.of(head, second, third)), "request " + i);
      load.begin(head);
    }
  }

  @Test
  void aBusyFirstReplicaSpillsToTheLeastLoadedOther() {
    for (int i = 0; i < LoadTracker.SPREAD; i++) {
      load.begin(head);
    }
    load.begin(second);
    assertEquals(third, load.pick(List.of(head, second, third)));
    load.begin(third);
    load.begin(third);
    // Head 8, second 1, third 2: the head is only 7 beyond the least-loaded other, so it stays.
    assertEquals(head, load.pick(List.of(head, second, third)));
    load.end(second);
    assertEquals(second, load.pick(List.of(head, second, third)));
  }

  @Test
  void theOrderOfTheCandidatesDecidesWhichIsPreferred() {
    assertEquals(third, load.pick(List.of(third, head)));
    assertEquals(head, load.pick(List.of(head)));
    assertNull(load.pick(List.of()));
  }
}
