package dev.granary.master.net;

import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.wire.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * COMMAND_RESULT: the outcome of a command; frees copy slots, retries failed copies elsewhere.
 * Answered with a PULSE_RESPONSE: the node's next commands and the current token keys.
 */
public final class CommandResultHandler implements RequestHandler<dev.granary.wire.msg.CommandResultRequest> {
  private final ChunkserverProtocol protocol;
  private final ChunkTokenIssuer tokens;

  public CommandResultHandler(ChunkserverProtocol protocol, ChunkTokenIssuer tokens) {
    this.protocol = protocol;
    this.tokens = tokens;
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
    return CompletableFuture.completedFuture(tokens.withTokens(protocol.commandResult(r)));
  }
}
