package dev.granary.master.liveness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks chunkservers DEAD when they have not pulsed for {@code deadAfter} (GFS §2.6.2: the master
 * learns of chunkservers only through HeartBeat messages). Called at least every pulse interval, so
 * a silent node is DEAD within {@code deadAfter} plus one check interval.
 */
public final class LivenessMonitor {
  private final NodeRegistry registry;
  private final long deadAfterMillis;

  public LivenessMonitor(NodeRegistry registry, Duration deadAfter) {
    this.registry = registry;
    this.deadAfterMillis = deadAfter.toMillis();
  }

  /** Marks silent nodes DEAD and returns the ones that just died. */
  public List<ChunkserverNode> check(long now) {
    List<ChunkserverNode> died = new ArrayList<>();
    for (ChunkserverNode n : registry.all()) {
      if (n.isLive() && now - n.lastPulseMillis() >= deadAfterMillis) {
        n.markDead();
        died.add(n);
      }
    }
    return died;
  }
}
