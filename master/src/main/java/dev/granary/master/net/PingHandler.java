package dev.granary.master.net;

import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** PING: answered with PONG. */
public final class PingHandler implements RequestHandler<dev.granary.wire.msg.Ping> {
  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CLIENT, Role.CHUNKSERVER);
  }

  @Override
  public Class<dev.granary.wire.msg.Ping> type() {
    return dev.granary.wire.msg.Ping.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.Ping r, PeerContext peer) {
    return CompletableFuture.completedFuture(new dev.granary.wire.msg.Pong());
  }
}
