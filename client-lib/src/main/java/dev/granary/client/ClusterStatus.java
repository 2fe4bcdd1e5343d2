package dev.granary.client;

import java.util.List;

/**
 * The cluster as the master sees it. {@code locationsComplete} is false while a restarted master is
 * still collecting replica reports; {@code deletionsHeld} counts replica deletions the master holds
 * for an operator ({@link GranaryClient#actOnHeldDeletions}); {@code readOnly} is true while the
 * master cannot write its operation log and refuses mutations.
 */
public record ClusterStatus(String masterId, List<NodeStatus> nodes, long files, long directories,
    long chunks, long underReplicated, long overReplicated, long missing, long corrupt,
    long replicationQueue, long replicationsInFlight, boolean locationsComplete,
    long uptimeMillis, String clusterId, long deletionsHeld, boolean readOnly) {
  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }
}
