package dev.granary.master.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.StatResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RetryCacheTest {
  private static Message commit(String path) {
    return new CommitFileResponse(new FileEntry(path, false, 1, 1, 3, 1 << 20, 1));
  }

  @Test
  void theEstimateGrowsWithWhatTheEntryQuotes() {
    int small = RetryCache.estimateBytes("client", commit("/a"));
    int large = RetryCache.estimateBytes("client", commit("/" + "x".repeat(4000)));
    assertTrue(small >= 250 && small < 600, "estimate " + small);
    assertTrue(large >= small + 7900, "estimate " + large);
    int error = RetryCache.estimateBytes("client",
        new ErrorReply(Status.NOT_FOUND, "m".repeat(8000), ""));
    assertTrue(error >= 4_000, "estimate " + error); // ErrorReply keeps 2,000 characters
    assertTrue(RetryCache.estimateBytes("client", new DeleteResponse(1, 2)) >= 160);
    assertTrue(RetryCache.estimateBytes("client", new StatResponse(
        new FileEntry("/d", true, 0, 1, 0, 0, 0))) >= small - 50);
  }

  @Test
  void boundedInBytesOldestEvictedFirstNewestAlwaysKept() {
    int each = RetryCache.estimateBytes("c", commit("/" + "x".repeat(4000)));
    RetryCache cache = new RetryCache(Duration.ofMinutes(10), 1_000_000, 10L * each);
    for (int op = 1; op <= 100; op++) {
      cache.put("c", op, commit("/" + "x".repeat(4000)), op, null);
      assertTrue(cache.bytes() <= 10L * each, "bytes " + cache.bytes());
    }
    assertEquals(10, cache.size());
    assertEquals(10L * each, cache.bytes());
    for (int op = 1; op <= 90; op++) {
      assertNull(cache.get("c", op), "op " + op + " should be evicted");
    }
    for (int op = 91; op <= 100; op++) {
      assertEquals(commit("/" + "x".repeat(4000)), cache.get("c", op).reply());
    }
    // Small entries: many fit in the room of one large one.
    int smallEach = RetryCache.estimateBytes("c", commit("/s"));
    for (int op = 101; op <= 120; op++) {
      cache.put("c", op, commit("/s"), op, null);
    }
    assertNotNull(cache.get("c", 100));
    assertEquals(cache.bytes(), 9L * each + 20L * smallEach, "bytes");
    // One entry above the whole bound still stays: it is the newest.
    RetryCache tiny = new RetryCache(Duration.ofMinutes(10), 100, 10);
    tiny.put("c", 1, commit("/a"), 1, null);
    tiny.put("c", 2, commit("/b"), 2, null);
    assertNull(tiny.get("c", 1));
    assertNotNull(tiny.get("c", 2));
  }

  @Test
  void countAgeReplacementAndAttachKeepTheAccountRight() {
    RetryCache cache = new RetryCache(Duration.ofMillis(1000), 3, 1 << 20);
    cache.put("c", 1, commit("/a"), 0, null);
    cache.put("c", 2, commit("/b"), 500, null);
    cache.put("c", 1, commit("/" + "y".repeat(100)), 600, null);
    assertEquals(RetryCache.estimateBytes("c", commit("/b"))
        + RetryCache.estimateBytes("c", commit("/" + "y".repeat(100))), cache.bytes());
    cache.attach("c", 2, CompletableFuture.completedFuture(null));
    assertNotNull(cache.get("c", 2).durable());
    long before = cache.bytes();
    assertEquals(before, cache.bytes());
    cache.put("d", 1, new DeleteResponse(0, 0), 700, null);
    cache.put("d", 2, new DeleteResponse(0, 0), 800, null);
    assertEquals(3, cache.size());
    assertNull(cache.get("c", 1), "the oldest goes past the count bound");
    cache.put("d", 3, new DeleteResponse(0, 0), 1700, null);
    assertNull(cache.get("c", 2), "older than the age bound");
    assertNotNull(cache.get("d", 2));
    long sum = 0;
    for (long op = 1; op <= 3; op++) {
      sum += cache.get("d", op) == null ? 0 : cache.get("d", op).bytes();
    }
    assertEquals(sum, cache.bytes());
    assertNull(cache.get("", 1));
  }
}
