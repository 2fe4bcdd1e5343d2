package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.replication.ChunkManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * FSCK: health of the chunks under a path, and read-only mode; answered once durable. The scan
 * walks every file under the path, so it runs on {@code scans}, never on an event loop. It shows
 * the whole subtree, so the caller needs to traverse to the path and to read and traverse every
 * directory under it.
 */
public final class FsckHandler implements RequestHandler<dev.granary.wire.msg.FsckRequest> {
  private final ChunkManager chunks;
  private final MetadataService service;
  private final Executor scans;

  public FsckHandler(ChunkManager chunks, MetadataService service, Executor scans) {
    this.chunks = chunks;
    this.service = service;
    this.scans = scans;
  }

  @Override
  public Class<dev.granary.wire.msg.FsckRequest> type() {
    return dev.granary.wire.msg.FsckRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.FsckRequest r, PeerContext peer) {
    dev.granary.master.namespace.Paths.parse(r.path());
    return CompletableFuture.supplyAsync(() -> service.read(ns -> {
      ns.checkReadableTree(r.path(), peer.caller());
      return chunks.fsck(r.path()).withReadOnly(service.readOnly());
    }), scans)
        .thenCompose(f -> f);
  }
}
