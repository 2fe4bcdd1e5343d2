package dev.granary.master.net;

import dev.granary.wire.msg.Message;
import java.util.concurrent.CompletableFuture;

/**
 * A handler that changes what its connection's {@link Session} remembers (authentication). The
 * dispatcher calls {@link #handle(Message, PeerContext, Session)}; the two-argument form is not
 * used for it.
 *
 * @param <M> the request type
 */
public interface SessionHandler<M extends Message> extends RequestHandler<M> {
  CompletableFuture<? extends Message> handle(M request, PeerContext peer, Session session);

  @Override
  default CompletableFuture<? extends Message> handle(M request, PeerContext peer) {
    throw new IllegalStateException(type().getSimpleName() + " needs its connection's session");
  }
}
