package dev.granary.wire.net;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * How a caller's thread waits for a reply that is usually microseconds away: spin briefly, then
 * park. A request to a server on this host or LAN is answered in tens of microseconds, but a thread
 * that parks at once must then be woken, and on a virtual machine waking a thread on an idle CPU
 * costs about as much again (measured here: 1-client stats went from ~10,500/s to ~25,000/s with
 * the spin). The spin is bounded in time ({@link #SPIN_NANOS}) and in how many threads may spin at
 * once (half the CPUs, at least one), so many blocked callers still park and leave the CPUs to the
 * event loops that will answer them.
 */
public final class Await {
  /** Longest spin before parking; {@code -Dgranary.spinMicros=0} turns spinning off. */
  static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(
      Long.getLong("granary.spinMicros", 100));
  private static final int MAX_SPINNERS =
      Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  private static final AtomicInteger SPINNERS = new AtomicInteger();

  private Await() {}

  /**
   * {@link CompletableFuture#get(long, TimeUnit)}, after a short spin when the future is not yet
   * done and a spinning slot is free.
   */
  public static <T> T get(CompletableFuture<T> f, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    spin(f);
    return f.get(timeout, unit);
  }

  /** Spins until {@code f} is done or the spin budget is spent; never blocks. */
  public static void spin(CompletableFuture<?> f) {
    spinUntil(f::isDone);
  }

  /**
   * Spins until {@code ready} says so or the spin budget is spent, under the same bounds as
   * {@link #spin}; never blocks. For a caller about to block in the kernel (a socket read), so a
   * reply that is microseconds away does not pay a sleep and a wake-up.
   */
  public static void spinUntil(BooleanSupplier ready) {
    if (SPIN_NANOS <= 0 || ready.getAsBoolean()) {
      return;
    }
    if (SPINNERS.incrementAndGet() > MAX_SPINNERS) {
      SPINNERS.decrementAndGet();
      return;
    }
    try {
      long end = System.nanoTime() + SPIN_NANOS;
      while (!ready.getAsBoolean() && System.nanoTime() - end < 0) {
        Thread.onSpinWait();
      }
    } finally {
      SPINNERS.decrementAndGet();
    }
  }
}
