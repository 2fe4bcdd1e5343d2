package dev.granary.master.net;

import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** COMMAND_RESULT: the outcome of a command; frees copy slots, retries failed copies elsewhere. */
public final class CommandResultHandler implements RequestHandler<dev.granary.wire.msg.CommandResultRequest> {
  private final ChunkserverProtocol protocol;

  public CommandResultHandler(ChunkserverProtocol protocol) {
    this.protocol = protocol;
  }

  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CHUNKSERVER);
  }

  @Override
  public Class<dev.granary.wire.msg.CommandResultRequest> type() {
    return dev.granary.wire.msg.CommandResultRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.CommandResultRequest r, PeerContext peer) {
    protocol.commandResult(r);
    return CompletableFuture.completedFuture(new dev.granary.wire.msg.Ok());
  }
}
