package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.replication.ChunkManager;
import java.util.concurrent.CompletableFuture;

/** FSCK: health of the chunks under a path, and read-only mode; answered once durable. */
public final class FsckHandler implements RequestHandler<dev.granary.wire.msg.FsckRequest> {
  private final ChunkManager chunks;
  private final MetadataService service;

  public FsckHandler(ChunkManager chunks, MetadataService service) {
    this.chunks = chunks;
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.FsckRequest> type() {
    return dev.granary.wire.msg.FsckRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.FsckRequest r, PeerContext peer) {
    dev.granary.master.namespace.Paths.parse(r.path());
    return service.read(() -> chunks.fsck(r.path()).withReadOnly(service.readOnly()));
  }
}
