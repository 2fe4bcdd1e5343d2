package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.security.ChunkTokenIssuer;
import java.util.concurrent.CompletableFuture;

/** COMMIT_FILE: makes a file visible atomically; answered once the log record is durable (a spare allocation gets its WRITE token). */
public final class CommitFileHandler implements RequestHandler<dev.granary.wire.msg.CommitFileRequest> {
  private final MetadataService service;
  private final ChunkTokenIssuer tokens;

  public CommitFileHandler(MetadataService service, ChunkTokenIssuer tokens) {
    this.service = service;
    this.tokens = tokens;
  }

  @Override
  public Class<dev.granary.wire.msg.CommitFileRequest> type() {
    return dev.granary.wire.msg.CommitFileRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.CommitFileRequest r, PeerContext peer) {
    return service.commit(r, peer.caller())
        .thenApply(m -> tokens.withTokens(m, peer.caller()));
  }
}
