package dev.granary.master.replication;

/** One named step of the master's periodic tick, run under the metadata write lock. */
interface TickTask {
  /** Runs the step at {@code now} (monotonic milliseconds). */
  void run(long now);
}
