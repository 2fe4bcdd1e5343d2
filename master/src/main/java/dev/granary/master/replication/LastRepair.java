package dev.granary.master.replication;

import java.time.Duration;

/**
 * How long the last repair took: from a chunkserver being declared DEAD until every chunk was back
 * at its replication goal. The replication code records it when a repair completes; the master's
 * {@code /metrics} exports it as {@code granary_repair_last_seconds}. Thread-safe.
 */
public final class LastRepair {
  private volatile double seconds = Double.NaN;

  /** A repair finished that took {@code took}. */
  public void record(Duration took) {
    seconds = took.toNanos() / 1e9;
  }

  /** Seconds the last repair took, or NaN if none has finished since the master started. */
  public double seconds() {
    return seconds;
  }
}
