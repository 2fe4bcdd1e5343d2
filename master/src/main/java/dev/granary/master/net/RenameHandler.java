package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.journal.Op;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.RenameRequest;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** RENAME: moves an entry atomically; answered once durable. */
public final class RenameHandler implements RequestHandler<RenameRequest> {
  private final MetadataService service;
  private final Clock clock;

  public RenameHandler(MetadataService service, Clock clock) {
    this.service = service;
    this.clock = clock;
  }

  @Override
  public Class<RenameRequest> type() {
    return RenameRequest.class;
  }

  @Override
  public CompletableFuture<Message> handle(RenameRequest r, PeerContext peer) {
    return service.mutate(new Op.Rename(r.clientId(), r.opId(), clock.millis(), r.source(),
        r.destination()), peer.caller(), "rename");
  }
}
