package dev.granary.master.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Prefers the eligible nodes with the most free bytes (ties by id), to fill a cluster evenly. */
public final class MostFreeSpacePlacement implements PlacementPolicy {
  private static final Comparator<NodeView> MOST_FREE = Comparator
      .comparingLong(NodeView::freeBytes).reversed().thenComparing(NodeView::id);

  @Override
  public List<NodeView> chooseTargets(List<NodeView> nodes, int count, Set<String> excluded,
      long bytesNeeded) {
    List<NodeView> eligible = Eligibility.eligible(nodes, excluded, bytesNeeded);
    eligible.sort(MOST_FREE);
    return List.copyOf(eligible.subList(0, Math.min(Math.max(0, count), eligible.size())));
  }

  @Override
  public Optional<NodeView> chooseReplicationTarget(List<NodeView> nodes, Set<String> excluded,
      long bytesNeeded) {
    return Eligibility.eligible(nodes, excluded, bytesNeeded).stream().min(MOST_FREE);
  }

  @Override
  public NodeView chooseReplicaToDrop(List<NodeView> holders) {
    return Eligibility.fullest(holders);
  }
}
