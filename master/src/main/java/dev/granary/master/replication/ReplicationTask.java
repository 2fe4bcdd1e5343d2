package dev.granary.master.replication;

/** Hands out copy commands for chunks below their goal, most urgent first (GFS §4.3). */
final class ReplicationTask implements TickTask {
  private final ReplicationScheduler scheduler;

  ReplicationTask(ReplicationScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void run(long now) {
    scheduler.schedule(now);
  }
}
