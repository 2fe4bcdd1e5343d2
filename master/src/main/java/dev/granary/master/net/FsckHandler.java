package dev.granary.master.net;

import dev.granary.master.replication.ChunkManager;
import java.util.concurrent.CompletableFuture;

/** FSCK: health of the chunks under a path. */
public final class FsckHandler implements RequestHandler<dev.granary.wire.msg.FsckRequest> {
  private final ChunkManager chunks;

  public FsckHandler(ChunkManager chunks) {
    this.chunks = chunks;
  }

  @Override
  public Class<dev.granary.wire.msg.FsckRequest> type() {
    return dev.granary.wire.msg.FsckRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.FsckRequest r, PeerContext peer) {
    dev.granary.master.namespace.Paths.parse(r.path());
    return CompletableFuture.completedFuture(chunks.fsck(r.path()));
  }
}
