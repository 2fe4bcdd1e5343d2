package dev.granary.master.placement;

import dev.granary.config.MasterConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where replicas go (GFS §4.2 "replica placement"). The choosing methods only ever return distinct
 * LIVE nodes that are not being decommissioned, with at least the needed free bytes, that are not
 * in the excluded set.
 */
public interface PlacementPolicy {
  /**
   * Targets for a new chunk, first node first: up to {@code count} distinct eligible nodes (fewer if
   * fewer are eligible).
   */
  List<NodeView> chooseTargets(List<NodeView> nodes, int count, Set<String> excluded,
      long bytesNeeded);

  /** A target for one more replica of an existing chunk; {@code excluded} holds its holders. */
  Optional<NodeView> chooseReplicationTarget(List<NodeView> nodes, Set<String> excluded,
      long bytesNeeded);

  /** Which of the (at least two) holders of an over-replicated chunk should drop its replica. */
  NodeView chooseReplicaToDrop(List<NodeView> holders);

  /** The policy named in config ({@code round-robin} or {@code most-free-space}). */
  static PlacementPolicy forName(String name) {
    return switch (name) {
      case MasterConfig.ROUND_ROBIN -> new RoundRobinPlacement();
      case MasterConfig.MOST_FREE_SPACE -> new MostFreeSpacePlacement();
      default -> throw new IllegalArgumentException("unknown placement policy '" + name
          + "': expected one of " + String.join(", ", MasterConfig.PLACEMENTS));
    };
  }
}
