package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.journal.Op;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.security.Permissions;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DecommissionRequest;
import dev.granary.wire.msg.DecommissionResponse;
import dev.granary.wire.msg.Message;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DECOMMISSION: the superuser takes a chunkserver out of service or puts it back. The intent is
 * journaled by node id, then the chunk side acts on it; a recommission is answered once durable, a
 * decommission {@link CommitFileResponse#SPARE_MAX_AGE} later (see below). A request that changes
 * nothing (the node already is as asked) is answered at once with nothing logged.
 */
public final class DecommissionHandler implements RequestHandler<DecommissionRequest> {
  private static final Logger log = LoggerFactory.getLogger(DecommissionHandler.class);
  private final String masterId;
  private final ChunkManager chunks;
  private final MetadataService service;
  private final Clock clock;

  public DecommissionHandler(String masterId, ChunkManager chunks, MetadataService service,
      Clock clock) {
    this.masterId = masterId;
    this.chunks = chunks;
    this.service = service;
    this.clock = clock;
  }

  @Override
  public Class<DecommissionRequest> type() {
    return DecommissionRequest.class;
  }

  @Override
  public CompletableFuture<? extends Message> handle(DecommissionRequest r, PeerContext peer) {
    boolean decommission = r.action() == DecommissionRequest.Action.DECOMMISSION;
    String verb = decommission ? "decommission" : "recommission";
    if (!peer.caller().superuser()) {
      // Taking a node out of service moves every replica it holds: an operator's act.
      throw new MetadataException(Status.DENIED, "permission denied: "
          + Permissions.who(peer.caller()) + " may not " + verb + " chunkservers (only the "
          + "superuser may)");
    }
    String id = chunks.resolveNode(r.node());
    if (chunks.decommissionIntended(id) == decommission) {
      return CompletableFuture.completedFuture(new DecommissionResponse(chunks.nodeStatus(id),
          false));
    }
    Op op = decommission ? new Op.Decommission(clock.millis(), id)
        : new Op.Recommission(clock.millis(), id);
    return service.record(op).thenCompose(v -> {
      log.info("{}: {} asked to {} chunkserver {} (from {})", masterId, peer.caller().user(),
          verb, id, peer.remoteHost());
      chunks.syncDecommissions();
      if (!decommission) {
        return CompletableFuture.completedFuture(new DecommissionResponse(chunks.nodeStatus(id),
            true));
      }
      // A spare allocation handed out before now may still name the node; clients use one only
      // within SPARE_MAX_AGE of its receipt. Answering after that long means no write begun once
      // the operator has the answer lands on the node.
      return CompletableFuture.supplyAsync(
          () -> new DecommissionResponse(chunks.nodeStatus(id), true),
          CompletableFuture.delayedExecutor(CommitFileResponse.SPARE_MAX_AGE.toMillis(),
              TimeUnit.MILLISECONDS));
    });
  }
}
