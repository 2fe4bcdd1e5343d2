package dev.granary.master.replication;

/**
 * Keeps the whole-namespace health summary {@code cluster} answers from, recomputed (under the
 * read lock) when older than {@link #PERIOD_MILLIS}, so no request scans the namespace.
 */
final class HealthSummaryTask implements TickTask {
  /** How stale the summary may get. */
  static final long PERIOD_MILLIS = 1000;
  private final HealthScanner health;
  private volatile HealthScanner.Health rootHealth;
  private long rootHealthAt;

  HealthSummaryTask(HealthScanner health) {
    this.health = health;
  }

  /** Whether the summary is older than its period (or missing). */
  boolean due(long now) {
    return rootHealth == null || now - rootHealthAt >= PERIOD_MILLIS;
  }

  /** Recomputes the summary; the caller holds the read lock. */
  @Override
  public void run(long now) {
    rootHealth = health.scan("/");
    rootHealthAt = now;
  }

  /** The latest summary, or a fresh scan before the first tick; the caller holds the lock. */
  HealthScanner.Health current() {
    HealthScanner.Health h = rootHealth;
    return h != null ? h : health.scan("/");
  }
}
