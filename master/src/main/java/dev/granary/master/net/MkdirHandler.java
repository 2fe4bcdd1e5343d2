package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.journal.Op;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** MKDIR: creates a directory (and parents); answered once durable. */
public final class MkdirHandler implements RequestHandler<MkdirRequest> {
  private final MetadataService service;
  private final Clock clock;

  public MkdirHandler(MetadataService service, Clock clock) {
    this.service = service;
    this.clock = clock;
  }

  @Override
  public Class<MkdirRequest> type() {
    return MkdirRequest.class;
  }

  @Override
  public CompletableFuture<Message> handle(MkdirRequest r, PeerContext peer) {
    // The new directories belong to the caller; its permissions are checked when applied.
    return service.mutate(new Op.Mkdir(r.clientId(), r.opId(), clock.millis(), r.path(),
        r.parents(), peer.caller().user(), peer.caller().group()), peer.caller(), "mkdir");
  }
}
