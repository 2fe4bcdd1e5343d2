package dev.granary.client.internal;

import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileStatus;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryException;
import dev.granary.client.InternalException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TrashEntry;
import dev.granary.wire.PathLimits;
import dev.granary.wire.msg.PolicyRequest;
import dev.granary.wire.msg.PolicyResponse;
import dev.granary.wire.msg.RestoreRequest;
import dev.granary.wire.msg.RestoreResponse;
import dev.granary.wire.msg.SnapshotRequest;
import dev.granary.wire.msg.SnapshotResponse;
import dev.granary.wire.msg.TrashRequest;
import dev.granary.wire.msg.TrashResponse;
import dev.granary.wire.msg.VersionsRequest;
import dev.granary.wire.msg.VersionsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client's calls about keeping data: directory policies, file versions, snapshots and the trash
 * ({@link dev.granary.client.GranaryClient}'s methods of those names, whose Javadoc is the
 * contract). Mutations carry an operation id, reused by every retry, as mkdir and delete do.
 */
final class Retention {
  private final ClientContext ctx;

  Retention(ClientContext ctx) {
    this.ctx = ctx;
  }

  DirectoryPolicy setPolicy(String dir, PolicyChange change) throws GranaryException {
    String p = DefaultGranaryClient.remote(dir);
    List<PolicyRequest.PolicySetting> settings = new ArrayList<>();
    for (Map.Entry<String, String> e : change.settings().entrySet()) {
      settings.add(new PolicyRequest.PolicySetting(e.getKey(), e.getValue()));
    }
    PolicyResponse r = ctx.master().call(new PolicyRequest(ctx.clientId(), ctx.nextOpId(), p,
        settings), PolicyResponse.class, p);
    return new DirectoryPolicy(r.path(), r.values().stream()
        .map(v -> new DirectoryPolicy.Setting(v.key(), v.value(), v.from())).toList());
  }

  List<FileVersion> versions(String path) throws GranaryException {
    String p = DefaultGranaryClient.remote(path);
    VersionsResponse r = ctx.master().call(new VersionsRequest(p), VersionsResponse.class, p);
    return r.versions().stream()
        .map(v -> new FileVersion(v.version(), v.size(), v.modified())).toList();
  }

  FileStatus restore(String path, long version) throws GranaryException {
    String p = DefaultGranaryClient.remote(path);
    if (version < 1) {
      throw new InvalidArgumentException(p + ": version " + version
          + " cannot be restored, versions count from 1");
    }
    RestoreResponse r = ctx.master().call(new RestoreRequest(ctx.clientId(), ctx.nextOpId(), p,
        version), RestoreResponse.class, p + " version " + version);
    ctx.locations().invalidate(p);
    return DefaultGranaryClient.status(r.entry());
  }

  SnapshotInfo createSnapshot(String dir, String name) throws GranaryException {
    return snapshot(SnapshotRequest.Kind.CREATE, dir, name).get(0);
  }

  SnapshotInfo deleteSnapshot(String dir, String name) throws GranaryException {
    List<SnapshotInfo> r = snapshot(SnapshotRequest.Kind.DELETE, dir, name);
    ctx.locations().invalidateAll();
    return r.get(0);
  }

  List<SnapshotInfo> snapshots(String dir) throws GranaryException {
    return snapshot(SnapshotRequest.Kind.LIST, dir, "");
  }

  private List<SnapshotInfo> snapshot(SnapshotRequest.Kind kind, String dir, String name)
      throws GranaryException {
    String p = DefaultGranaryClient.remote(dir);
    if (kind != SnapshotRequest.Kind.LIST) {
      checkName(name);
    }
    String subject = kind == SnapshotRequest.Kind.LIST ? p
        : SnapshotRequest.snapshotPath(p, name);
    SnapshotResponse r = ctx.master().call(new SnapshotRequest(ctx.clientId(), ctx.nextOpId(),
        kind, p, name), SnapshotResponse.class, subject);
    if (kind != SnapshotRequest.Kind.LIST && r.snapshots().isEmpty()) {
      throw new InternalException(subject + ": master answered a snapshot "
          + kind + " without the snapshot");
    }
    return r.snapshots().stream()
        .map(s -> new SnapshotInfo(s.name(), s.path(), s.created())).toList();
  }

  /** A snapshot name is one path component (the master checks the same, and uniqueness). */
  private static void checkName(String name) throws InvalidArgumentException {
    if (name == null || name.isEmpty() || name.contains("/") || name.equals(".")
        || name.equals("..")) {
      throw new InvalidArgumentException("invalid snapshot name " + PathLimits.quote(
          String.valueOf(name)) + ": a name is one non-empty path component");
    }
    String problem = PathLimits.problem("/" + name);
    if (problem != null) {
      throw new InvalidArgumentException(problem);
    }
  }

  List<TrashEntry> trash() throws GranaryException {
    return trashRequest(TrashRequest.Kind.LIST, "");
  }

  TrashEntry restoreFromTrash(String path) throws GranaryException {
    String p = DefaultGranaryClient.remote(path);
    List<TrashEntry> r = trashRequest(TrashRequest.Kind.RESTORE, p);
    if (r.isEmpty()) {
      throw new InternalException(p + ": master answered a trash restore"
          + " without the entry");
    }
    ctx.locations().invalidateAll();
    return r.get(0);
  }

  List<TrashEntry> emptyTrash() throws GranaryException {
    return trashRequest(TrashRequest.Kind.EMPTY, "");
  }

  private List<TrashEntry> trashRequest(TrashRequest.Kind kind, String path)
      throws GranaryException {
    TrashResponse r = ctx.master().call(new TrashRequest(ctx.clientId(), ctx.nextOpId(), kind,
        path), TrashResponse.class, path.isEmpty() ? "the trash" : path);
    return r.entries().stream().map(e -> new TrashEntry(e.path(), e.directory(), e.size(),
        e.files(), e.deleted(), e.expires())).toList();
  }
}
