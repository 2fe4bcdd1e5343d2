package dev.granary.wire;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A heap allocator for tests that records every buffer it hands out and the largest capacity it
 * granted. Growth is capped at {@code limit} (Netty's allocators round up to a power of two), so a
 * capacity above {@code limit} is only granted when the code under test demands more than the
 * limit, and then shows in {@link #largestRequest()}.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
  private final int limit;
  private final List<ByteBuf> allocated = new ArrayList<>();
  private long largestRequest;
  private long largestGranted;

  TrackingAllocator(int limit) {
    super(false);
    this.limit = limit;
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    record(initialCapacity, initialCapacity);
    ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    allocated.add(b);
    return b;
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    // Heap memory stands in for direct memory: the test counts bytes, not where they live.
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  @Override
  public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
    int granted = minNewCapacity > limit ? minNewCapacity : Math.min(maxCapacity,
        Math.max(minNewCapacity, (int) Math.min(limit, Math.max(64L, 2L * minNewCapacity))));
    record(minNewCapacity, granted);
    return granted;
  }

  private void record(long requested, long granted) {
    largestRequest = Math.max(largestRequest, requested);
    largestGranted = Math.max(largestGranted, granted);
  }

  /** The largest capacity a caller needed so far (initial, or the minimum it asked to grow to). */
  long largestRequest() {
    return largestRequest;
  }

  /** The largest capacity handed out so far; above {@code limit} only if a request was. */
  long largestGranted() {
    return largestGranted;
  }

  /** Buffers handed out and not yet fully released. */
  int unreleased() {
    int n = 0;
    for (ByteBuf b : allocated) {
      if (b.refCnt() != 0) {
        n++;
      }
    }
    return n;
  }

  /** Forgets released buffers, keeping the list short across a long test. */
  void compact() {
    allocated.removeIf(b -> b.refCnt() == 0);
  }
}
