package dev.granary.master.net;

import dev.granary.master.MetadataService;
import java.util.concurrent.CompletableFuture;

/** MKDIR: creates a directory (and parents); answered once durable. */
public final class MkdirHandler implements RequestHandler<dev.granary.wire.msg.MkdirRequest> {
  private final MetadataService service;

  public MkdirHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.MkdirRequest> type() {
    return dev.granary.wire.msg.MkdirRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.MkdirRequest r, PeerContext peer) {
    return service.mkdir(r);
  }
}
