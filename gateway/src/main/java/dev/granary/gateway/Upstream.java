package dev.granary.gateway;

import dev.granary.config.HostPort;

/**
 * The master the gateway's clients talk to, and what they trust.
 *
 * @param nodeId the id of the node serving the API (first in log lines)
 * @param master the master's RPC address (its own port, on loopback or the address it bound)
 * @param caCert the PEM certificate of the cluster's authority on a {@code tls} cluster, or null
 *     with {@code security: none} (then no token is needed and every caller is the superuser)
 */
public record Upstream(String nodeId, HostPort master, String caCert) {
  /** Whether callers must present a Bearer token. */
  public boolean secured() {
    return caCert != null;
  }
}
