package dev.granary.master.net;

import dev.granary.master.MetadataService;
import java.util.concurrent.CompletableFuture;

/** LOOKUP: a file entry and the live replicas of a batch of its chunks. */
public final class LookupHandler implements RequestHandler<dev.granary.wire.msg.LookupRequest> {
  private final MetadataService service;

  public LookupHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.LookupRequest> type() {
    return dev.granary.wire.msg.LookupRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.LookupRequest r, PeerContext peer) {
    return service.lookup(r.path(), r.firstChunk(), r.maxChunks(), peer.caller());
  }
}
