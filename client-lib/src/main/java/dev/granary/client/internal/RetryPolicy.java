package dev.granary.client.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * How long and how often the client retries transient failures: exponential backoff from 50 ms
 * doubling to 1 s with jitter, until {@code timeout} has elapsed since the operation began. Time and
 * sleeping are injected so that tests can shorten them.
 */
final class RetryPolicy {
  static final long FIRST_BACKOFF_NANOS = 50_000_000L;
  static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

  /** Blocks the calling thread; replaced in tests. */
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final Duration timeout;
  private final Duration neverReachedGrace;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;

  /**
   * @param timeout the budget of one operation's retries (the client timeout)
   * @param neverReachedGrace how long the client keeps dialling a master it has never reached
   *     before it gives up early (see {@code MasterClient})
   */
  public RetryPolicy(Duration timeout, Duration neverReachedGrace, LongSupplier nanoTime,
      Sleeper sleeper) {
    this.timeout = timeout;
    this.neverReachedGrace = neverReachedGrace;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** Real time: {@link System#nanoTime()} and {@link Thread#sleep}. */
  public static RetryPolicy system(Duration timeout, Duration neverReachedGrace) {
    return new RetryPolicy(timeout, neverReachedGrace, System::nanoTime,
        nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
  }

  public Duration timeout() {
    return timeout;
  }

  public Duration neverReachedGrace() {
    return neverReachedGrace;
  }

  public long nanoTime() {
    return nanoTime.getAsLong();
  }

  /** Starts the retry budget of one operation now. */
  public Attempts start() {
    return new Attempts();
  }

  /** The retry state of one operation. Not thread-safe. */
  public final class Attempts {
    private final long startNanos = nanoTime.getAsLong();
    private long nextBackoff = FIRST_BACKOFF_NANOS;
    private int failures;

    public long elapsedNanos() {
      return nanoTime.getAsLong() - startNanos;
    }

    public long remainingNanos() {
      return Math.max(0, timeout.toNanos() - elapsedNanos());
    }

    /** Remaining budget, at least 1 ms so it can be used as an RPC timeout. */
    public Duration remaining() {
      return Duration.ofNanos(Math.max(1_000_000L, remainingNanos()));
    }

    public boolean expired() {
      return remainingNanos() == 0;
    }

    public int failures() {
      return failures;
    }

    /**
     * Records a failure and sleeps the next backoff (never past the deadline).
     *
     * @return false if the budget is spent (the caller gives up)
     */
    public boolean backoff() throws InterruptedException {
      failures++;
      long left = remainingNanos();
      if (left == 0) {
        return false;
      }
      // Full jitter over the upper half keeps retries of many clients apart.
      long half = nextBackoff / 2;
      long delay = half + ThreadLocalRandom.current().nextLong(half + 1);
      nextBackoff = Math.min(MAX_BACKOFF_NANOS, nextBackoff * 2);
      sleeper.sleepNanos(Math.min(delay, left));
      return remainingNanos() > 0;
    }
  }
}
