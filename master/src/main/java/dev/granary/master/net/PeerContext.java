package dev.granary.master.net;

import dev.granary.wire.Role;

/**
 * What a handler may know about the connection a request came on: the remote host, and the role
 * and node id the peer announced in its handshake ({@code null} role and {@code ""} id before it).
 */
public record PeerContext(String remoteHost, Role role, String peerId) {
  /** Whether the peer announced itself as chunkserver {@code nodeId}. */
  public boolean isChunkserver(String nodeId) {
    return role == Role.CHUNKSERVER && peerId.equals(nodeId);
  }
}
