package dev.granary.master.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The rule every policy shares: LIVE, not being decommissioned, room for the chunk, not excluded;
 * sorted by id.
 */
final class Eligibility {
  private Eligibility() {}

  static List<NodeView> eligible(List<NodeView> nodes, Set<String> excluded, long bytesNeeded) {
    List<NodeView> out = new ArrayList<>(nodes.size());
    for (NodeView n : nodes) {
      if (n.live() && !n.decommissioning() && n.freeBytes() >= bytesNeeded
          && !excluded.contains(n.id()) && out.stream().noneMatch(o -> o.id().equals(n.id()))) {
        out.add(n);
      }
    }
    out.sort(Comparator.comparing(NodeView::id));
    return out;
  }

  /** The holder with the least free space (ties: the largest id), so space evens out. */
  static NodeView fullest(List<NodeView> holders) {
    if (holders.isEmpty()) {
      throw new IllegalArgumentException("no holders to drop a replica from");
    }
    return holders.stream()
        .min(Comparator.comparingLong(NodeView::freeBytes)
            .thenComparing(NodeView::id, Comparator.reverseOrder()))
        .orElseThrow();
  }
}
