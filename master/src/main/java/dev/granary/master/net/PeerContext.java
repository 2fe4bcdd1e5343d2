package dev.granary.master.net;

import dev.granary.master.security.Caller;
import dev.granary.wire.Role;

/**
 * What a handler may know about the connection a request came on: the remote host, the role and
 * node id of the peer ({@code null} role and {@code ""} id before its handshake), and the user the
 * requests act for ({@link Caller#NOBODY} until a client authenticates;
 * {@link Caller#UNSECURED} for everyone when the cluster runs without security).
 */
public record PeerContext(String remoteHost, Role role, String peerId, Caller caller) {
  /** Whether the peer announced itself as chunkserver {@code nodeId}. */
  public boolean isChunkserver(String nodeId) {
    return role == Role.CHUNKSERVER && peerId.equals(nodeId);
  }
}
