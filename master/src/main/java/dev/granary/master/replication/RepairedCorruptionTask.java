package dev.granary.master.replication;

import dev.granary.master.namespace.Namespace;
import java.util.Set;

/** A chunk stops counting as corrupt once no suspect is left and its goal is met. */
final class RepairedCorruptionTask implements TickTask {
  private final Namespace namespace;
  private final SuspectReplicas suspects;
  private final ReplicationScheduler scheduler;
  private final Set<Long> corrupt;

  RepairedCorruptionTask(Namespace namespace, SuspectReplicas suspects,
      ReplicationScheduler scheduler, Set<Long> corrupt) {
    this.namespace = namespace;
    this.suspects = suspects;
    this.scheduler = scheduler;
    this.corrupt = corrupt;
  }

  @Override
  public void run(long now) {
    corrupt.removeIf(h -> {
      int goal = namespace.goal(h);
      return goal == 0 || (!suspects.has(h) && scheduler.liveReplicas(h) >= goal);
    });
  }
}
