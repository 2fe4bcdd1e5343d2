package dev.granary.chunkserver.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void capsTheRateAfterTheBurst() throws Exception {
    FakeTime t = new FakeTime();
    TokenBucket b = new TokenBucket(1_000_000, 100_000, t, t);
    b.acquire(100_000); // the burst passes at once
    assertEquals(0, t.slept);
    for (int i = 0; i < 30; i++) {
      b.acquire(100_000);
    }
    // 3 MB at 1 MB/s after the burst: three seconds of waiting.
    assertEquals(3.0, t.slept / 1e9, 0.01);
  }

  @Test
  void idleTimeRefillsUpToTheBurstOnly() throws Exception {
    FakeTime t = new FakeTime();
    TokenBucket b = new TokenBucket(1_000_000, 100_000, t, t);
    b.acquire(100_000);
    t.advance(java.time.Duration.ofSeconds(10));
    b.acquire(100_000);
    assertEquals(0, t.slept);
    b.acquire(500_000);
    assertEquals(0.5, t.slept / 1e9, 0.01);
  }
}
