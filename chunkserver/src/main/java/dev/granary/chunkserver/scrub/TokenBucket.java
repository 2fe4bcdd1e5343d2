package dev.granary.chunkserver.scrub;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.storage.Throttle;
import java.time.Duration;

/**
 * A token bucket that caps a reader at {@code rate} bytes per second with bursts of at most
 * {@code burst} bytes. A caller may overdraw the bucket by one request and then sleeps off the debt,
 * so requests larger than the burst still pass at the configured rate. Single-threaded use.
 */
public final class TokenBucket implements Throttle {
  private final double ratePerNano;
  private final double burst;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private double tokens;
  private long last;

  /**
   * @param rate bytes per second, at least 1
   * @param burst the most bytes that may pass without waiting after an idle period
   */
  public TokenBucket(long rate, long burst, Ticker ticker, Sleeper sleeper) {
    if (rate < 1 || burst < 0) {
      throw new IllegalArgumentException("token bucket rate " + rate + " / burst " + burst);
    }
    this.ratePerNano = rate / 1e9;
    this.burst = burst;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.tokens = burst;
    this.last = ticker.read();
  }

  @Override
  public void acquire(long bytes) throws InterruptedException {
    long now = ticker.read();
    tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
    last = now;
    tokens -= bytes;
    if (tokens < 0) {
      long waitNanos = (long) Math.ceil(-tokens / ratePerNano);
      sleeper.sleep(Duration.ofNanos(waitNanos));
      // The debt is paid by the wait: refill from the moment we asked, not from after the sleep.
      long after = ticker.read();
      tokens = Math.min(burst, tokens + (after - last) * ratePerNano);
      last = after;
    }
  }
}
