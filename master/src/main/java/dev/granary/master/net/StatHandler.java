package dev.granary.master.net;

import dev.granary.master.MetadataService;
import java.util.concurrent.CompletableFuture;

/** STAT: one namespace entry. */
public final class StatHandler implements RequestHandler<dev.granary.wire.msg.StatRequest> {
  private final MetadataService service;

  public StatHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<dev.granary.wire.msg.StatRequest> type() {
    return dev.granary.wire.msg.StatRequest.class;
  }

  @Override
  public CompletableFuture<? extends dev.granary.wire.msg.Message> handle(
      dev.granary.wire.msg.StatRequest r, PeerContext peer) {
    return service.stat(r.path());
  }
}
