package dev.granary.client;

import java.util.List;

/**
 * How even the chunkservers' disk usage is, as the master's balancer sees it (over the nodes
 * that hold data for good: live, not decommissioning).
 *
 * @param thresholdPct the threshold in force, in percentage points: a pass's, or the configured
 *     {@code master.balanceThreshold}
 * @param passRunning whether a pass an operator started is still running
 * @param usedBytes the cluster's used bytes
 * @param capacityBytes the cluster's capacity
 * @param balanced whether every node's used fraction is within the threshold of the cluster's
 * @param movesInFlight replica moves under way
 * @param bytesMoved bytes moved since the master started
 * @param nodes each node's usage, by id
 */
public record BalanceStatus(int thresholdPct, boolean passRunning, long usedBytes,
    long capacityBytes, boolean balanced, int movesInFlight, long bytesMoved, List<Node> nodes) {

  /** One chunkserver's disk usage. */
  public record Node(String id, long usedBytes, long capacityBytes) {
    /** Used percentage of capacity (0 for a node with no capacity). */
    public double usedPct() {
      return capacityBytes == 0 ? 0 : 100.0 * usedBytes / capacityBytes;
    }
  }

  public BalanceStatus {
    nodes = List.copyOf(nodes);
  }

  /** The cluster's used percentage of capacity. */
  public double usedPct() {
    return capacityBytes == 0 ? 0 : 100.0 * usedBytes / capacityBytes;
  }
}
