package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.namespace.Namespace;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.Message;
import java.util.concurrent.CompletableFuture;

/** LIST: one page of a directory in name order; answered once what it saw is durable. */
public final class ListHandler implements RequestHandler<ListRequest> {
  private final MetadataService service;

  public ListHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<ListRequest> type() {
    return ListRequest.class;
  }

  @Override
  public CompletableFuture<Message> handle(ListRequest r, PeerContext peer) {
    return service.read(ns -> {
      Namespace.Listing l = ns.list(r.path(), r.startAfter(), r.limit(), peer.caller());
      return new ListResponse(l.entries(), l.more());
    });
  }
}
