package dev.granary.master.replication;

import com.google.common.base.Ticker;
import dev.granary.master.state.MasterState;
import java.util.List;

/**
 * The master's periodic work as named tasks run in order (GFS §4.3–4.5): liveness, location
 * completeness, then (only once reports cover the namespace) votes, garbage collection,
 * re-replication, deferred deletions and forgetting repaired corruption, all under the write
 * lock; then the health summary {@code cluster} answers from, refreshed under the read lock at
 * most every {@link HealthSummaryTask#PERIOD_MILLIS}.
 */
public final class Tick {
  private final Ticker ticker;
  private final MasterState state;
  private final LivenessTask liveness;
  private final LocationsTask locations;
  private final List<TickTask> onceLocated;
  private final HealthSummaryTask healthSummary;

  Tick(Ticker ticker, MasterState state, LivenessTask liveness, LocationsTask locations,
      List<TickTask> onceLocated, HealthSummaryTask healthSummary) {
    this.ticker = ticker;
    this.state = state;
    this.liveness = liveness;
    this.locations = locations;
    this.onceLocated = List.copyOf(onceLocated);
    this.healthSummary = healthSummary;
  }

  /** Runs every task once. */
  public void run() {
    state.write(() -> {
      long now = Ticks.millis(ticker);
      liveness.run(now);
      locations.run(now);
      if (locations.complete()) { // nothing is voted, deleted or copied on partial reports
        for (TickTask t : onceLocated) {
          t.run(now);
        }
      }
    });
    long now = Ticks.millis(ticker);
    if (healthSummary.due(now)) {
      state.read(() -> healthSummary.run(now));
    }
  }
}
