package dev.granary.master.net;

import dev.granary.master.MetadataService;
import java.util.concurrent.CompletableFuture;

/** ALLOCATE_CHUNK: a new handle and a write pipeline (waits only for a handle reservation record, one per 10,000 handles). */
public final class AllocateChunkHandler implements RequestHandler<dev.granary.wire.msg.AllocateChunkRequest> {
  private final MetadataService service;

  public AllocateChunkHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.AllocateChunkRequest> type() {
    return dev.granary.wire.msg.AllocateChunkRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.AllocateChunkRequest r, PeerContext peer) {
    return service.allocate(r, peer.caller());
  }
}
