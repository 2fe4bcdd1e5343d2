package dev.granary.master.testing;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.function.Executable;

/**
 * Runs code on a thread with a small stack (256 KiB), where a recursive walk of a tree thousands of
 * directories deep overflows for certain: a test that passes here shows the code does not recurse
 * per level.
 */
public final class SmallStack {
  public static final long STACK_BYTES = 256 * 1024;

  private SmallStack() {}

  public static void run(Executable body) throws Throwable {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        body.execute();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "small-stack", STACK_BYTES);
    t.start();
    t.join();
    if (failure.get() != null) {
      throw failure.get();
    }
  }
}
