package dev.granary.client;

/**
 * A chunkserver as the master sees it.
 *
 * @param id stable node id
 * @param host host clients reach it at
 * @param port port clients reach it at
 * @param state LIVE, DEAD, DECOMMISSIONING or DECOMMISSIONED
 * @param usedBytes bytes used by replicas
 * @param capacityBytes capacity
 * @param freeBytes free bytes
 * @param chunks replicas held
 * @param millisSinceLastPulse time since its last pulse
 * @param activeTransfers transfers in progress
 * @param decommissionSince when an operator asked to decommission it (epoch ms), 0 if not
 * @param replicasLeft while decommissioning: replicas it holds whose chunk does not yet have its
 *     goal on other nodes (as of the master's last check, at most a second old); else 0
 */
public record NodeStatus(String id, String host, int port, String state, long usedBytes,
    long capacityBytes, long freeBytes, long chunks, long millisSinceLastPulse,
    int activeTransfers, long decommissionSince, long replicasLeft) {

  /** A node no operator is decommissioning. */
  public NodeStatus(String id, String host, int port, String state, long usedBytes,
      long capacityBytes, long freeBytes, long chunks, long millisSinceLastPulse,
      int activeTransfers) {
    this(id, host, port, state, usedBytes, capacityBytes, freeBytes, chunks,
        millisSinceLastPulse, activeTransfers, 0, 0);
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  public String address() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  /** Whether an operator is taking this node out of service (DECOMMISSIONING or -ED, or DEAD). */
  public boolean decommissioning() {
    return decommissionSince > 0;
  }
}
