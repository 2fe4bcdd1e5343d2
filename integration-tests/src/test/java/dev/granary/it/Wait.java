package dev.granary.it;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; tests never sleep a fixed time. */
public final class Wait {
  /** A condition that may throw (e.g. a failed RPC counts as "not yet"). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Wait() {}

  public static void until(String what, Duration timeout, Condition condition) {
    until(what, timeout, condition, () -> "");
  }

  public static void until(String what, Duration timeout, Condition condition,
      Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    long pause = 10;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError err = new AssertionError("timed out after " + timeout.toMillis()
            + " ms waiting for " + what + (last == null ? "" : " (last error: " + last + ")")
            + "\n" + state.get());
        if (last != null) {
          err.addSuppressed(last);
        }
        throw err;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
      pause = Math.min(200, pause * 2);
    }
  }

  /**
   * Checks that a condition holds throughout {@code window}, polling it every 100 ms: for promises
   * of the form "X does not happen for a while" (e.g. data of a write in progress is not
   * collected). Fails at the first poll where it does not hold, or if it throws.
   */
  public static void holds(String what, Duration window, Condition condition,
      Supplier<String> state) {
    long deadline = System.nanoTime() + window.toNanos();
    while (true) {
      boolean ok;
      try {
        ok = condition.holds();
      } catch (Exception e) {
        throw new AssertionError("checking that " + what + " failed: " + e + "\n" + state.get(),
            e);
      }
      if (!ok) {
        throw new AssertionError("no longer true: " + what + "\n" + state.get());
      }
      if (System.nanoTime() > deadline) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted checking that " + what, e);
      }
    }
  }
}
