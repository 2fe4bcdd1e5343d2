package dev.granary.master.net;

import dev.granary.master.MetadataService;
import java.util.concurrent.CompletableFuture;

/** RENAME: moves an entry atomically; answered once durable. */
public final class RenameHandler implements RequestHandler<dev.granary.wire.msg.RenameRequest> {
  private final MetadataService service;

  public RenameHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.RenameRequest> type() {
    return dev.granary.wire.msg.RenameRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.RenameRequest r, PeerContext peer) {
    return service.rename(r);
  }
}
