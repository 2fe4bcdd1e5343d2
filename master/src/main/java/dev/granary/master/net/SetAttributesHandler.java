package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.SetAttributesRequest;
import java.util.concurrent.CompletableFuture;

/**
 * SET_ATTRIBUTES: chmod (the owner or the superuser) and chown (the superuser), optionally
 * recursive, all or nothing; answered once durable.
 */
public final class SetAttributesHandler implements RequestHandler<SetAttributesRequest> {
  private final MetadataService service;

  public SetAttributesHandler(MetadataService service) {
    this.service = service;
  }

  @Override
  public Class<SetAttributesRequest> type() {
    return SetAttributesRequest.class;
  }

  @Override
  public CompletableFuture<Message> handle(SetAttributesRequest r, PeerContext peer) {
    return service.setAttributes(r, peer.caller());
  }
}
