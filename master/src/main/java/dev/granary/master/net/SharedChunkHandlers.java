package dev.granary.master.net;

import dev.granary.master.MetadataService;
import dev.granary.master.journal.Op;
import dev.granary.master.journal.OpApplier;
import dev.granary.master.namespace.Namespace;
import dev.granary.wire.msg.ChunkMatchRequest;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.PolicyRequest;
import dev.granary.wire.msg.RestoreRequest;
import dev.granary.wire.msg.SnapshotRequest;
import dev.granary.wire.msg.SnapshotResponse;
import dev.granary.wire.msg.TrashRequest;
import dev.granary.wire.msg.VersionsRequest;
import dev.granary.wire.msg.VersionsResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The requests of versions, snapshots, trash and directory policies: reads answered from the
 * namespace once what they show is durable, changes logged and answered once durable (the ones a
 * client may retry through the retry cache).
 */
public final class SharedChunkHandlers {
  private SharedChunkHandlers() {}

  /** Every handler of this family. */
  public static List<RequestHandler<?>> all(MetadataService service, Clock clock) {
    return List.of(new Policy(service, clock), new Versions(service), new Restore(service, clock),
        new Snapshot(service, clock), new Trash(service, clock), new Match(service));
  }

  /** POLICY: shows (no settings) or changes a directory's policy. */
  static final class Policy implements RequestHandler<PolicyRequest> {
    private final MetadataService service;
    private final Clock clock;

    Policy(MetadataService service, Clock clock) {
      this.service = service;
      this.clock = clock;
    }

    @Override
    public Class<PolicyRequest> type() {
      return PolicyRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(PolicyRequest r, PeerContext peer) {
      if (r.settings().isEmpty()) {
        return service.read(ns -> OpApplier.policyReply(r.path(),
            ns.effectivePolicy(r.path(), peer.caller())));
      }
      Map<String, String> settings = new LinkedHashMap<>();
      for (var s : r.settings()) {
        settings.put(s.key(), s.value());
      }
      return service.change(new Op.SetPolicy(clock.millis(), r.path(), settings), peer.caller());
    }
  }

  /** VERSIONS: a file's versions, newest first. */
  static final class Versions implements RequestHandler<VersionsRequest> {
    private final MetadataService service;

    Versions(MetadataService service) {
      this.service = service;
    }

    @Override
    public Class<VersionsRequest> type() {
      return VersionsRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(VersionsRequest r, PeerContext peer) {
      return service.read(ns -> {
        List<VersionsResponse.FileVersion> out = new ArrayList<>();
        for (Namespace.VersionView v : ns.versions(r.path(), peer.caller())) {
          out.add(new VersionsResponse.FileVersion(v.number(), v.size(), v.modified()));
        }
        return new VersionsResponse(ns.stat(r.path(), peer.caller()).path(), out);
      });
    }
  }

  /** RESTORE: a kept version becomes the current contents. */
  static final class Restore implements RequestHandler<RestoreRequest> {
    private final MetadataService service;
    private final Clock clock;

    Restore(MetadataService service, Clock clock) {
      this.service = service;
      this.clock = clock;
    }

    @Override
    public Class<RestoreRequest> type() {
      return RestoreRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(RestoreRequest r, PeerContext peer) {
      return service.mutate(new Op.Restore(r.clientId(), r.opId(), clock.millis(), r.path(),
          r.version(), peer.caller().user(), peer.caller().group()), peer.caller(), "restore");
    }
  }

  /** SNAPSHOT: create, delete or list a directory's snapshots. */
  static final class Snapshot implements RequestHandler<SnapshotRequest> {
    private final MetadataService service;
    private final Clock clock;

    Snapshot(MetadataService service, Clock clock) {
      this.service = service;
      this.clock = clock;
    }

    @Override
    public Class<SnapshotRequest> type() {
      return SnapshotRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(SnapshotRequest r, PeerContext peer) {
      if (r.kind() == SnapshotRequest.Kind.LIST) {
        return service.read(ns -> {
          List<SnapshotResponse.SnapshotInfo> out = new ArrayList<>();
          for (Namespace.SnapshotView v : ns.snapshots(r.dir(), peer.caller())) {
            out.add(OpApplier.snapshotInfo(v));
          }
          return new SnapshotResponse(out);
        });
      }
      return service.mutate(new Op.Snapshot(r.clientId(), r.opId(), clock.millis(),
          r.kind() == SnapshotRequest.Kind.CREATE, r.dir(), r.name()), peer.caller(),
          "snapshot");
    }
  }

  /** CHUNK_MATCH: which of a writer's chunks the master already holds for it. */
  static final class Match implements RequestHandler<ChunkMatchRequest> {
    private final MetadataService service;

    Match(MetadataService service) {
      this.service = service;
    }

    @Override
    public Class<ChunkMatchRequest> type() {
      return ChunkMatchRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(ChunkMatchRequest r, PeerContext peer) {
      return service.matchChunks(r, peer.caller());
    }
  }

  /** TRASH: list, restore from or empty the caller's own trash. */
  static final class Trash implements RequestHandler<TrashRequest> {
    private final MetadataService service;
    private final Clock clock;

    Trash(MetadataService service, Clock clock) {
      this.service = service;
      this.clock = clock;
    }

    @Override
    public Class<TrashRequest> type() {
      return TrashRequest.class;
    }

    @Override
    public CompletableFuture<? extends Message> handle(TrashRequest r, PeerContext peer) {
      String user = peer.caller().user();
      return switch (r.kind()) {
        case LIST -> service.read(ns -> OpApplier.trashReply(ns.trash(user)));
        case RESTORE -> service.mutate(new Op.TrashRestore(r.clientId(), r.opId(),
            clock.millis(), r.path(), user, peer.caller().group()), peer.caller(), "trash restore");
        case EMPTY -> service.mutate(new Op.TrashEmpty(r.clientId(), r.opId(), clock.millis(),
            user), peer.caller(), "trash empty");
      };
    }
  }
}
