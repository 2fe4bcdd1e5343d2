package dev.granary.chunkserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.scrub.FakeTime;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RepairPacerTest {
  private final FakeTime time = new FakeTime();
  private final RepairPacer pacer = new RepairPacer(time, time);

  @Test
  void aNodeNoClientUsesCopiesAtFullSpeed() throws Exception {
    assertFalse(pacer.busy());
    assertEquals(RepairPacer.IDLE_COPIES, pacer.limit());
    for (int i = 0; i < 100; i++) {
      pacer.throttle().acquire(64 << 10);
    }
    assertEquals(0, time.slept, "no client: no waiting");
  }

  @Test
  void aClientsRequestSlowsCopiesUntilTheNodeIsQuietAgain() throws Exception {
    pacer.clientActive();
    assertTrue(pacer.busy());
    assertEquals(RepairPacer.BUSY_COPIES, pacer.limit());
    long bytes = 4 * RepairPacer.BUSY_RATE;
    for (long sent = 0; sent < bytes; sent += 64 << 10) {
      pacer.clientActive(); // the client keeps reading
      pacer.throttle().acquire(64 << 10);
    }
    // Four seconds' worth at the busy rate, less the bucket's burst.
    assertEquals(4.0 - 1.0 / 8, time.slept / 1e9, 0.05);
    time.advance(Duration.ofMillis(RepairPacer.QUIET_MILLIS));
    assertFalse(pacer.busy(), "quiet for QUIET_MILLIS");
    assertEquals(RepairPacer.IDLE_COPIES, pacer.limit());
  }

  @Test
  void aCopyWaitsForRoomUnderTheBusyLimit() throws Exception {
    for (int i = 0; i < RepairPacer.IDLE_COPIES; i++) {
      pacer.begin(); // idle: all start at once
    }
    pacer.clientActive();
    CountDownLatch started = new CountDownLatch(1);
    Thread waiting = new Thread(() -> {
      try {
        pacer.begin();
        started.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiting.start();
    try {
      for (int i = 0; i < RepairPacer.IDLE_COPIES - 1; i++) {
        pacer.end();
      }
      // One copy still runs, and the node is busy: no room for another.
      assertFalse(started.await(300, TimeUnit.MILLISECONDS), "started while busy and full");
      pacer.end();
      assertTrue(started.await(10, TimeUnit.SECONDS), "started once the running copy ended");
      assertEquals(1, pacer.running());
    } finally {
      waiting.interrupt();
      waiting.join(10_000);
    }
  }
}
