package dev.granary.master.net;

import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * PULSE: liveness and space; the reply carries the commands queued for the node (a COPY with its
 * COPY token) and the current chunk token keys, or NOT_REGISTERED.
 */
public final class PulseHandler implements RequestHandler<dev.granary.wire.msg.PulseRequest> {
  private final ChunkserverProtocol protocol;
  private final ChunkTokenIssuer tokens;

  public PulseHandler(ChunkserverProtocol protocol, ChunkTokenIssuer tokens) {
    this.protocol = protocol;
    this.tokens = tokens;
  }

  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CHUNKSERVER);
  }

  @Override
  public Class<dev.granary.wire.msg.PulseRequest> type() {
    return dev.granary.wire.msg.PulseRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.PulseRequest r, PeerContext peer) {
    return CompletableFuture.completedFuture(tokens.withTokens(protocol.pulse(r)));
  }
}
