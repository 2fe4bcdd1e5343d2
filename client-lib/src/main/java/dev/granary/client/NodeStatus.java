package dev.granary.client;

/**
 * A chunkserver as the master sees it.
 *
 * @param id stable node id
 * @param host host clients reach it at
 * @param port port clients reach it at
 * @param state LIVE, DEAD, ...
 * @param usedBytes bytes used by replicas
 * @param capacityBytes capacity
 * @param freeBytes free bytes
 * @param chunks replicas held
 * @param millisSinceLastPulse time since its last pulse
 * @param activeTransfers transfers in progress
 */
public record NodeStatus(String id, String host, int port, String state, long usedBytes,
    long capacityBytes, long freeBytes, long chunks, long millisSinceLastPulse,
    int activeTransfers) {

  /** {@code host:port}, with brackets around an IPv6 host. */
  public String address() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
