package dev.granary.master.journal;

import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.namespace.Policy;
import dev.granary.master.security.Caller;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.SetAttributesResponse;
import dev.granary.wire.msg.PolicyResponse;
import dev.granary.wire.msg.RestoreResponse;
import dev.granary.wire.msg.SnapshotResponse;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.TrashResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies an operation to the metadata image: the one place that gives each record its meaning,
 * used both when a client's request is executed and when the log is replayed, so the two can never
 * disagree. Mutations (successful or refused) are remembered in the retry cache with their answer.
 */
public final class OpApplier {
  private static final long[] NONE = new long[0];

  /** The answer to a mutation and the chunk handles it made garbage. */
  public record Applied(Message reply, long[] garbage) {}

  private OpApplier() {}

  /** The answer to a policy request: the settings in effect at {@code path}. */
  public static PolicyResponse policyReply(String path, List<Policy.Setting> settings) {
    List<PolicyResponse.PolicyValue> values = new ArrayList<>();
    for (Policy.Setting s : settings) {
      values.add(new PolicyResponse.PolicyValue(s.key(), s.value(), s.from()));
    }
    return new PolicyResponse(path, values);
  }

  /** A snapshot as the wire carries it. */
  public static SnapshotResponse.SnapshotInfo snapshotInfo(Namespace.SnapshotView v) {
    return new SnapshotResponse.SnapshotInfo(v.name(), v.path(), v.created());
  }

  /**
   * Trash entries as the wire carries them, soonest to expire first: at most
   * {@link Limits#MAX_TRASH_ENTRIES}, and no more than fit well inside a control frame (a longer
   * trash is answered in part).
   */
  public static TrashResponse trashReply(List<Namespace.TrashView> views) {
    List<Namespace.TrashView> sorted = new ArrayList<>(views);
    sorted.sort(java.util.Comparator.comparingLong(Namespace.TrashView::expires));
    List<TrashResponse.TrashEntry> out = new ArrayList<>();
    long budget = Limits.MAX_CONTROL_PAYLOAD - 4096;
    for (Namespace.TrashView v : sorted) {
      long cost = 48 + v.path().length() * 3L;
      if (out.size() >= Limits.MAX_TRASH_ENTRIES || budget < cost) {
        break;
      }
      budget -= cost;
      out.add(new TrashResponse.TrashEntry(v.path(), v.directory(), v.size(), v.files(),
          v.deleted(), v.expires()));
    }
    return new TrashResponse(out);
  }

  private static TrashResponse trashReply(Namespace.TrashResult r) {
    return trashReply(r.entries());
  }

  /**
   * Applies {@code op} from the log: as the superuser, since every logged operation passed its
   * permission checks when it ran (the entries it creates still get the logged owner).
   *
   * @throws MetadataException if a mutation is refused; nothing changed then
   */
  public static Applied apply(MetadataImage image, Op op) {
    return apply(image, op, Namespace.SYSTEM);
  }

  /**
   * Applies {@code op} for {@code caller}, whose permissions are checked; entries it creates
   * belong to the owner and group the op carries (the caller's, for a client's request).
   *
   * @throws MetadataException if a mutation is refused (DENIED among others); nothing changed then
   */
  public static Applied apply(MetadataImage image, Op op, Caller caller) {
    Namespace ns = image.namespace();
    Applied result;
    if (op instanceof Op.Mkdir m) {
      result = new Applied(new StatResponse(ns.mkdir(m.path(), m.parents(), m.time(),
          new Caller(m.owner(), m.group(), caller.superuser()))), NONE);
    } else if (op instanceof Op.Commit c) {
      for (ChunkRecord chunk : c.chunks()) {
        long h = chunk.handle();
        if (h <= 0 || h > image.reservedUpTo()) {
          throw new MetadataException(Status.INVALID_ARGUMENT, "chunk " + ChunkHandles.format(h)
              + " of '" + c.path() + "' was not allocated by this master");
        }
      }
      Namespace.CommitResult r = ns.commit(c.path(), c.overwrite(), c.replication(),
          c.chunkSize(), c.chunks(), c.reused(), c.dedup(), c.encoding(), c.size(), c.time(),
          new Caller(c.owner(), c.group(), caller.superuser()));
      result = new Applied(new CommitFileResponse(r.entry()), r.garbage());
    } else if (op instanceof Op.Delete d) {
      Namespace.DeleteResult r = ns.delete(d.path(), d.recursive(), d.skipTrash(), d.time(),
          new Caller(d.user(), d.group(), caller.superuser()));
      result = new Applied(new DeleteResponse(r.files(), r.directories(), r.trashExpires()),
          r.garbage());
    } else if (op instanceof Op.Rename r) {
      result = new Applied(new StatResponse(ns.rename(r.source(), r.destination(), r.time(),
          caller)), NONE);
    } else if (op instanceof Op.Failure f) {
      result = new Applied(new ErrorReply(f.status(), f.message(), ""), NONE);
    } else if (op instanceof Op.Reserve r) {
      image.setReservedUpTo(r.upTo());
      result = new Applied(null, NONE);
    } else if (op instanceof Op.SetDigest s) {
      ns.setChunkDigest(s.handle(), s.length(), s.digest());
      result = new Applied(null, NONE);
    } else if (op instanceof Op.SetPermission p) {
      result = new Applied(new SetAttributesResponse(ns.setAttributes(p.path(), p.permission(),
          "", "", p.recursive(), caller)), NONE);
    } else if (op instanceof Op.SetOwner o) {
      result = new Applied(new SetAttributesResponse(ns.setAttributes(o.path(),
          SetAttributesRequest.UNCHANGED_PERMISSION, o.owner(), o.group(), o.recursive(), caller)),
          NONE);
    } else if (op instanceof Op.SetPolicy p) { // versions, snapshots, trash, policies
      result = new Applied(policyReply(p.path(), ns.setPolicy(p.path(), p.settings(), caller)),
          NONE);
    } else if (op instanceof Op.Restore r) {
      Namespace.CommitResult c = ns.restore(r.path(), r.version(), r.time(),
          new Caller(r.owner(), r.group(), caller.superuser()));
      result = new Applied(new RestoreResponse(c.entry(), ns.currentVersion(r.path())),
          c.garbage());
    } else if (op instanceof Op.Snapshot sn) {
      if (sn.create()) {
        result = new Applied(new SnapshotResponse(List.of(snapshotInfo(ns.createSnapshot(
            sn.dir(), sn.name(), sn.time(), caller)))), NONE);
      } else {
        Namespace.SnapshotDeleted d = ns.deleteSnapshot(sn.dir(), sn.name(), caller);
        result = new Applied(new SnapshotResponse(List.of(snapshotInfo(d.snapshot()))),
            d.garbage());
      }
    } else if (op instanceof Op.TrashRestore t) {
      Namespace.TrashResult r = ns.restoreTrash(t.path(), t.time(),
          new Caller(t.user(), t.group(), caller.superuser()));
      result = new Applied(trashReply(r), r.garbage());
    } else if (op instanceof Op.TrashEmpty t) {
      Namespace.TrashResult r = ns.emptyTrash(t.user());
      result = new Applied(trashReply(r), r.garbage());
    } else if (op instanceof Op.TrashExpire t) {
      result = new Applied(null, ns.expireTrash(t.time()).garbage());
    } else if (op instanceof Op.Rekey k) { // compression and encryption
      result = new Applied(new StatResponse(ns.rekey(k.path(), k.version(), k.oldWrappedKey(),
          k.keyId(), k.wrappedKey(), caller)), NONE);
    } else if (op instanceof Op.UserAdd u) { // users (security)
      image.users().add(u.name(), u.group(), u.superuser(), u.tokenHash());
      result = new Applied(null, NONE);
    } else if (op instanceof Op.UserRevoke u) {
      image.users().revoke(u.name());
      result = new Applied(null, NONE);
    } else if (op instanceof Op.Decommission d) { // operating the cluster
      image.decommissions().add(d.nodeId(), d.time());
      result = new Applied(null, NONE);
    } else if (op instanceof Op.Recommission r) {
      image.decommissions().remove(r.nodeId());
      result = new Applied(null, NONE);
    } else {
      throw new IllegalArgumentException("unknown operation " + op);
    }
    image.setLastTime(op.time());
    if (op instanceof Op.Mutation m) {
      image.retryCache().put(m.clientId(), m.opId(), result.reply(), m.time(), null);
    }
    return result;
  }
}
