package dev.granary.chunkserver.net;

import java.util.concurrent.atomic.AtomicInteger;

/** Bounds the write transfers (pipeline writes and copies) running at once on this chunkserver. */
public final class TransferSlots {
  private final int max;
  private final AtomicInteger active = new AtomicInteger();

  public TransferSlots(int max) {
    this.max = max;
  }

  /** Takes a slot; false if all {@code max} are taken. Every true must be matched by a release. */
  public boolean tryAcquire() {
    while (true) {
      int n = active.get();
      if (n >= max) {
        return false;
      }
      if (active.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public void release() {
    active.decrementAndGet();
  }

  public int active() {
    return active.get();
  }

  public int max() {
    return max;
  }
}
