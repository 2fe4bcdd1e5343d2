package dev.granary.master.placement;

/**
 * What a placement policy knows about a chunkserver: its id, liveness, space, and whether an
 * operator is decommissioning it (such a node receives no new replicas).
 */
public record NodeView(String id, boolean live, long freeBytes, long usedBytes,
    long capacityBytes, boolean decommissioning) {
  /** A node in service (not being decommissioned). */
  public NodeView(String id, boolean live, long freeBytes, long usedBytes, long capacityBytes) {
    this(id, live, freeBytes, usedBytes, capacityBytes, false);
  }
}
