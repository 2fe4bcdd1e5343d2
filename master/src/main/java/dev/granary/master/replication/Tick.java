package dev.granary.master.replication;

import com.google.common.base.Ticker;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The master's periodic work as named tasks run in order (GFS §4.3–4.5): liveness, location
 * completeness, then (only once reports cover the namespace) votes, garbage collection,
 * re-replication, deferred deletions and forgetting repaired corruption, all under the write
 * lock; then the health summary {@code cluster} answers from, refreshed under the read lock at
 * most every {@link HealthSummaryTask#PERIOD_MILLIS}.
 */
public final class Tick {
  private final Ticker ticker;
  private final ReentrantReadWriteLock lock;
  private final LivenessTask liveness;
  private final LocationsTask locations;
  private final List<TickTask> onceLocated;
  private final HealthSummaryTask healthSummary;

  Tick(Ticker ticker, ReentrantReadWriteLock lock, LivenessTask liveness, LocationsTask locations,
      List<TickTask> onceLocated, HealthSummaryTask healthSummary) {
    this.ticker = ticker;
    this.lock = lock;
    this.liveness = liveness;
    this.locations = locations;
    this.onceLocated = List.copyOf(onceLocated);
    this.healthSummary = healthSummary;
  }

  /** Runs every task once. */
  public void run() {
    lock.writeLock().lock();
    try {
      long now = Ticks.millis(ticker);
      liveness.run(now);
      locations.run(now);
      if (locations.complete()) { // nothing is voted, deleted or copied on partial reports
        for (TickTask t : onceLocated) {
          t.run(now);
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
    long now = Ticks.millis(ticker);
    if (healthSummary.due(now)) {
      lock.readLock().lock();
      try {
        healthSummary.run(now);
      } finally {
        lock.readLock().unlock();
      }
    }
  }
}
