package dev.granary.client.internal;

import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of chunks a client's uploads have handed to background transfers and not yet stored,
 * over all its files. A file's stream buffers the chunk it is filling and, while the client is
 * under budget, up to {@code parallelism - 1} more being stored; over budget, a stream waits for
 * its own chunks before it takes another, never for another stream's (so a thread with many open
 * streams cannot deadlock on itself). Without this bound, eight threads writing at once with four
 * 64 MiB chunks each in flight ran a client out of its 1 GiB of direct memory.
 */
final class WriteBudget {
  private final long limit;
  private final AtomicLong held = new AtomicLong();

  public WriteBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("budget must be positive: " + limit);
    }
    this.limit = limit;
  }

  /** A quarter of the direct memory this JVM may use: the rest is for the chunks being filled. */
  public static WriteBudget ofDirectMemory() {
    return new WriteBudget(Math.max(1, PlatformDependent.maxDirectMemory() / 4));
  }

  /** Whether the chunks in flight already hold the whole budget. */
  boolean exhausted() {
    return held.get() >= limit;
  }

  void take(long bytes) {
    held.addAndGet(bytes);
  }

  void give(long bytes) {
    held.addAndGet(-bytes);
  }

  /** Bytes in flight now (for tests). */
  long held() {
    return held.get();
  }
}
