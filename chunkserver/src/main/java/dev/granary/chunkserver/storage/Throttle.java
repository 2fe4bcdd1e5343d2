package dev.granary.chunkserver.storage;

/** Paces a background reader (the scrubber): blocks until {@code bytes} may be read. */
@FunctionalInterface
public interface Throttle {
  /** A throttle that never waits (verification on the master's demand). */
  Throttle NONE = bytes -> {};

  /**
   * Waits until {@code bytes} more bytes may be consumed.
   *
   * @throws InterruptedException if the waiting thread is interrupted (shutdown)
   */
  void acquire(long bytes) throws InterruptedException;
}
