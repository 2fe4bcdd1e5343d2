package dev.granary.master.net;

import dev.granary.config.MasterConfig;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.ServerDefaultsRequest;
import dev.granary.wire.msg.ServerDefaultsResponse;
import java.util.concurrent.CompletableFuture;

/** SERVER_DEFAULTS: the chunk size and replication a file gets when its writer does not choose. */
public final class ServerDefaultsHandler implements RequestHandler<ServerDefaultsRequest> {
  private final ServerDefaultsResponse defaults;

  public ServerDefaultsHandler(MasterConfig config) {
    this.defaults = new ServerDefaultsResponse(config.chunkSize(), config.replication(),
        config.minReplicas(), config.dedup());
  }

  @Override
  public Class<ServerDefaultsRequest> type() {
    return ServerDefaultsRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(ServerDefaultsRequest r, PeerContext peer) {
    return CompletableFuture.completedFuture(defaults);
  }
}
