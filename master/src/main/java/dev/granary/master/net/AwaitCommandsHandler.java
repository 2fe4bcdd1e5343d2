package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.replication.ChunkserverProtocol;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AwaitCommandsRequest;
import dev.granary.wire.msg.Message;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * AWAIT_COMMANDS: a chunkserver's long poll; answered with a PULSE_RESPONSE (its commands and the
 * current token keys) as soon as the master queues a command for it, or when the wait ends. Only
 * the node itself may wait for its commands.
 */
public final class AwaitCommandsHandler implements RequestHandler<AwaitCommandsRequest> {
  private final ChunkserverProtocol protocol;
  private final ChunkTokenIssuer tokens;
  private final Executor answerOn;

  /** @param answerOn where held requests are answered (not the thread that queues commands) */
  public AwaitCommandsHandler(ChunkserverProtocol protocol, ChunkTokenIssuer tokens,
      Executor answerOn) {
    this.protocol = protocol;
    this.tokens = tokens;
    this.answerOn = answerOn;
  }

  @Override
  public Set<Role> senders() {
    return EnumSet.of(Role.CHUNKSERVER);
  }

  @Override
  public Class<AwaitCommandsRequest> type() {
    return AwaitCommandsRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(AwaitCommandsRequest r, PeerContext peer) {
    if (!peer.isChunkserver(r.nodeId())) {
      // Taking another node's commands would starve it of its copies and deletions.
      throw new MetadataException(Status.DENIED, "chunkserver " + peer.peerId()
          + " may not wait for the commands of " + r.nodeId());
    }
    return protocol.awaitCommands(r, answerOn).thenApply(tokens::withTokens);
  }
}
