package dev.granary.chunkserver.scrub;

import java.time.Duration;

/** Waits; injected so tests advance a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));

  /** @throws InterruptedException if the thread is interrupted while waiting (shutdown) */
  void sleep(Duration duration) throws InterruptedException;
}
