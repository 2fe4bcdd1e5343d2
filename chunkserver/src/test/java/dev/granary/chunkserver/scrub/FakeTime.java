package dev.granary.chunkserver.scrub;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A fake clock for tests whose sleeper advances it, counting what was slept. */
public final class FakeTime extends Ticker implements Sleeper {
  public final AtomicLong nanos = new AtomicLong();
  public volatile long slept;

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public void sleep(Duration d) {
    slept += d.toNanos();
    nanos.addAndGet(d.toNanos());
  }

  /** Moves the clock on without sleeping. */
  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
