package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.security.ChunkTokenIssuer;
import java.util.concurrent.CompletableFuture;

/** LOOKUP: a file entry and the live replicas of a batch of its chunks, each with a READ token. */
public final class LookupHandler implements RequestHandler<dev.granary.wire.msg.LookupRequest> {
  private final MetadataService service;
  private final ChunkTokenIssuer tokens;

  public LookupHandler(MetadataService service, ChunkTokenIssuer tokens) {
    this.service = service;
    this.tokens = tokens;
  }

  @Override
  public Class<dev.granary.wire.msg.LookupRequest> type() {
    return dev.granary.wire.msg.LookupRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.LookupRequest r, PeerContext peer) {
    return service.lookup(r.path(), r.version(), r.firstChunk(), r.maxChunks(), peer.caller())
        .thenApply(m -> tokens.withTokens(m, peer.caller()));
  }
}
