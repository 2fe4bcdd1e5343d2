package dev.granary.master.net;

import dev.granary.master.replication.ChunkManager;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * REGISTER: a chunkserver joins (or rejoins). The host clients will be given is the remote address
 * of this connection, as observed by the master.
 */
public final class RegisterHandler implements RequestHandler<RegisterRequest> {
  private final ChunkManager chunks;
  private final String masterId;
  private final Duration pulseInterval;

  public RegisterHandler(ChunkManager chunks, String masterId, Duration pulseInterval) {
    this.chunks = chunks;
    this.masterId = masterId;
    this.pulseInterval = pulseInterval;
  }

  @Override
  public Class<RegisterRequest> type() {
    return RegisterRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(RegisterRequest r, PeerContext peer) {
    chunks.register(r, peer.remoteHost());
    return CompletableFuture.completedFuture(
        new RegisterResponse(masterId, pulseInterval.toMillis(), peer.remoteHost()));
  }
}
