package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import java.util.concurrent.CompletableFuture;

/** STAT: one namespace entry; answered once what it saw is durable. */
public final class StatHandler implements RequestHandler<StatRequest> {
  private final MetadataService service;

  public StatHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<StatRequest> type() {
    return StatRequest.class;
  }

  @Override
  public CompletableFuture<Message> handle(StatRequest r, PeerContext peer) {
    return service.read(ns -> new StatResponse(ns.stat(r.path(), peer.caller())));
  }
}
