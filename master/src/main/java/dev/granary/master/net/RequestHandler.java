package dev.granary.master.net;

import dev.granary.wire.Role;
import dev.granary.wire.msg.Message;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Handles one request type. Runs on an event loop thread: it must not block; a reply that waits for
 * the disk is a future completed by the journal's writer thread. Throwing a
 * {@link dev.granary.master.namespace.MetadataException} answers with its status and message.
 *
 * @param <M> the request type
 */
public interface RequestHandler<M extends Message> {
  /** The request record this handler serves. */
  Class<M> type();

  /**
   * The roles that send this request: from any other role it is refused (DENIED) before it is
   * handled. Clients by default; chunkserver messages say so.
   */
  default Set<Role> senders() {
    return EnumSet.of(Role.CLIENT);
  }

  CompletableFuture<? extends Message> handle(M request, PeerContext peer);
}
