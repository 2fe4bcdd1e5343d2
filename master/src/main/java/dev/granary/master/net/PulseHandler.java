package dev.granary.master.net;

import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** PULSE: liveness and space; the reply carries the commands queued for the node, or NOT_REGISTERED. */
public final class PulseHandler implements RequestHandler<dev.granary.wire.msg.PulseRequest> {
  private final ChunkserverProtocol protocol;

  public PulseHandler(ChunkserverProtocol protocol) {
    this.protocol = protocol;
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
    return CompletableFuture.completedFuture(protocol.pulse(r));
  }
}
