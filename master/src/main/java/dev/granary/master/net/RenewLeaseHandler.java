package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.RenewLeaseRequest;
import java.util.concurrent.CompletableFuture;

/** RENEW_LEASE: keeps a writer's uncommitted chunks while its upload is open (in memory, no log). */
public final class RenewLeaseHandler implements RequestHandler<RenewLeaseRequest> {
  private final MetadataService service;

  public RenewLeaseHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<RenewLeaseRequest> type() {
    return RenewLeaseRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(RenewLeaseRequest r, PeerContext peer) {
    return CompletableFuture.completedFuture(service.renewLease(r));
  }
}
