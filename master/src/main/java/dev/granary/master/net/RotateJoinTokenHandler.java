package dev.granary.master.net;

import dev.granary.master.namespace.MetadataException;
import dev.granary.master.security.JoinTokens;
import dev.granary.wire.Status;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.RotateJoinTokenRequest;
import dev.granary.wire.msg.RotateJoinTokenResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ROTATE_JOIN_TOKEN: the superuser replaces the join token; the old one fails from now on. */
public final class RotateJoinTokenHandler implements RequestHandler<RotateJoinTokenRequest> {
  private static final Logger log = LoggerFactory.getLogger(RotateJoinTokenHandler.class);

  private final String masterId;
  private final JoinTokens tokens;

  public RotateJoinTokenHandler(String masterId, JoinTokens tokens) {
    this.masterId = masterId;
    this.tokens = tokens;
  }

  @Override
  public Class<RotateJoinTokenRequest> type() {
    return RotateJoinTokenRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(RotateJoinTokenRequest r, PeerContext peer) {
    if (!peer.caller().superuser()) {
      throw new MetadataException(Status.DENIED, "permission denied: only a superuser may rotate"
          + " the join token (user " + peer.caller().user() + ")");
    }
    try {
      String token = tokens.rotate();
      log.info("{}: join token rotated by {} from {}", masterId, peer.caller().user(),
          peer.remoteHost());
      return CompletableFuture.completedFuture(new RotateJoinTokenResponse(token));
    } catch (IOException e) {
      throw new MetadataException(Status.UNAVAILABLE, "cannot write the new join token: " + e
          + " (the old token stays valid)");
    }
  }
}
