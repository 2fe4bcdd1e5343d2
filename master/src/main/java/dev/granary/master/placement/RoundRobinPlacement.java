package dev.granary.master.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default policy: eligible nodes in id order, starting one further along on each call, so new
 * chunks and their first replicas spread evenly over the cluster.
 */
public final class RoundRobinPlacement implements PlacementPolicy {
  private final AtomicLong cursor = new AtomicLong();

  @Override
  public List<NodeView> chooseTargets(List<NodeView> nodes, int count, Set<String> excluded,
      long bytesNeeded) {
    List<NodeView> eligible = Eligibility.eligible(nodes, excluded, bytesNeeded);
    int n = Math.min(count, eligible.size());
    List<NodeView> out = new ArrayList<>(n);
    if (n == 0) {
      return out;
    }
    int start = (int) Math.floorMod(cursor.getAndIncrement(), (long) eligible.size());
    for (int i = 0; i < n; i++) {
      out.add(eligible.get((start + i) % eligible.size()));
    }
    return out;
  }

  @Override
  public Optional<NodeView> chooseReplicationTarget(List<NodeView> nodes, Set<String> excluded,
      long bytesNeeded) {
    List<NodeView> t = chooseTargets(nodes, 1, excluded, bytesNeeded);
    return t.isEmpty() ? Optional.empty() : Optional.of(t.get(0));
  }

  @Override
  public NodeView chooseReplicaToDrop(List<NodeView> holders) {
    return Eligibility.fullest(holders);
  }
}
