package dev.granary.master.net;

import dev.granary.master.MetadataService;
import java.util.concurrent.CompletableFuture;

/** LIST: one page of a directory in name order. */
public final class ListHandler implements RequestHandler<dev.granary.wire.msg.ListRequest> {
  private final MetadataService service;

  public ListHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.ListRequest> type() {
    return dev.granary.wire.msg.ListRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.ListRequest r, PeerContext peer) {
    return service.list(r.path(), r.startAfter(), r.limit());
  }
}
