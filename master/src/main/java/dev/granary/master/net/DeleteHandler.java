package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.journal.Op;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.Message;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** DELETE: removes a file or tree atomically; answered once durable. */
public final class DeleteHandler implements RequestHandler<DeleteRequest> {
  private final MetadataService service;
  private final Clock clock;

  public DeleteHandler(MetadataService service, Clock clock) {
    this.service = service;
    this.clock = clock;
  }

  @Override
  public Class<DeleteRequest> type() {
    return DeleteRequest.class;
  }

  @Override
  public CompletableFuture<Message> handle(DeleteRequest r, PeerContext peer) {
    return service.mutate(new Op.Delete(r.clientId(), r.opId(), clock.millis(), r.path(),
        r.recursive(), r.skipTrash(), peer.caller().user(), peer.caller().group()),
        peer.caller(), "delete");
  }
}
