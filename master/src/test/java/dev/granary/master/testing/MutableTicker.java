package dev.granary.master.testing;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A monotonic ticker tests move by hand, so durations are tested without sleeping. */
public final class MutableTicker extends Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  /** Moves the ticker forward by {@code d}; a monotonic ticker never goes back. */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a monotonic ticker cannot go back: " + d);
    }
    nanos.addAndGet(d.toNanos());
  }

  @Override
  public long read() {
    return nanos.get();
  }
}
