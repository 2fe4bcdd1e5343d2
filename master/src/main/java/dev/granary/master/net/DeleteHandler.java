package dev.granary.master.net;

import dev.granary.master.MetadataService;
import java.util.concurrent.CompletableFuture;

/** DELETE: removes a file or tree atomically; answered once durable. */
public final class DeleteHandler implements RequestHandler<dev.granary.wire.msg.DeleteRequest> {
  private final MetadataService service;

  public DeleteHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.DeleteRequest> type() {
    return dev.granary.wire.msg.DeleteRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.DeleteRequest r, PeerContext peer) {
    return service.delete(r);
  }
}
