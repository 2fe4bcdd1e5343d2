package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.journal.Op;
import dev.granary.master.namespace.Policy;
import dev.granary.wire.Compression;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.RekeyRequest;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The requests of compression and encryption (issue 20): the writer's check before a write, and
 * key rotation. The master never sees a key, only the wrapped data keys it stores.
 */
public final class EncodingHandlers {
  private EncodingHandlers() {}

  /** Every handler of this family. */
  public static List<RequestHandler<?>> all(MetadataService service, Clock clock) {
    return List.of(new WriteCheck(service), new Rekey(service, clock));
  }

  /**
   * WRITE_CHECK: the entry at the path (null if there is none, even without its parent) and how
   * the nearest policy stores a new file there; needs what STAT needs.
   */
  static final class WriteCheck implements RequestHandler<WriteCheckRequest> {
    private final MetadataService service;

    WriteCheck(MetadataService service) {
      this.service = service;
    }

    @Override
    public Class<WriteCheckRequest> type() {
      return WriteCheckRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(WriteCheckRequest r, PeerContext peer) {
      return service.read(ns -> {
        var existing = ns.statOrNull(r.path(), peer.caller());
        Policy policy = ns.newFilePolicy(r.path());
        Compression c = policy.compress() < 0 ? Compression.NONE
            : Compression.ofId(policy.compress());
        return new WriteCheckResponse(existing, c, policy.encrypt() == 1);
      });
    }
  }

  /**
   * REKEY: a file's (or kept version's) data key wrapped anew, if it is still the one the client
   * read; logged, and answered from the retry cache for a retry.
   */
  static final class Rekey implements RequestHandler<RekeyRequest> {
    private final MetadataService service;
    private final Clock clock;

    Rekey(MetadataService service, Clock clock) {
      this.service = service;
      this.clock = clock;
    }

    @Override
    public Class<RekeyRequest> type() {
      return RekeyRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(RekeyRequest r, PeerContext peer) {
      return service.mutate(new Op.Rekey(r.clientId(), r.opId(), clock.millis(), r.path(),
          r.version(), r.oldWrappedKey(), r.newKeyId(), r.newWrappedKey()), peer.caller(),
          "rekey");
    }
  }
}
