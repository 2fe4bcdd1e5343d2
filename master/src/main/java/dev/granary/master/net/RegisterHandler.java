package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REGISTER: a chunkserver joins (or rejoins). The host clients will be given is the remote address
 * of this connection, as observed by the master. A chunkserver that belongs to another cluster (its
 * cluster id differs) is refused, and nothing of it is touched: a master started on the wrong or an
 * empty data dir must not take over, and garbage-collect, another cluster's chunkservers. A
 * chunkserver that never joined a cluster learns this one's id from the reply, and every node the
 * chunk token keys (and whether tokens are required).
 */
public final class RegisterHandler implements RequestHandler<RegisterRequest> {
  private static final Logger log = LoggerFactory.getLogger(RegisterHandler.class);
  /** Refused nodes remembered for logging once each; beyond it, every refusal logs again. */
  private static final int MAX_REMEMBERED = 1024;

  private final ChunkserverProtocol protocol;
  private final String masterId;
  private final String clusterId;
  private final Duration pulseInterval;
  private final ChunkTokenIssuer tokens;
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  public RegisterHandler(ChunkserverProtocol protocol, String masterId, String clusterId,
      Duration pulseInterval, ChunkTokenIssuer tokens) {
    this.protocol = protocol;
    this.masterId = masterId;
    this.clusterId = clusterId;
    this.pulseInterval = pulseInterval;
    this.tokens = tokens;
  }

  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CHUNKSERVER);
  }

  @Override
  public Class<RegisterRequest> type() {
    return RegisterRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(RegisterRequest r, PeerContext peer) {
    if (!r.clusterId().isEmpty() && !r.clusterId().equals(clusterId)) {
      String line = "chunkserver " + r.nodeId() + " at " + peer.remoteHost() + " belongs to "
          + "cluster " + r.clusterId() + ", this master " + masterId + " to cluster " + clusterId
          + ": not registered, none of its replicas touched (wrong --master, or a master started "
          + "on another data dir?)";
      if (refused.size() < MAX_REMEMBERED ? refused.add(r.nodeId()) : true) {
        log.error("{}: {}", masterId, line);
      } else {
        log.debug("{}: {}", masterId, line);
      }
      throw new MetadataException(Status.WRONG_CLUSTER, line);
    }
    refused.remove(r.nodeId());
    protocol.register(r, peer.remoteHost());
    return CompletableFuture.completedFuture(new RegisterResponse(masterId,
        pulseInterval.toMillis(), peer.remoteHost(), clusterId, tokens.keys()));
  }
}
