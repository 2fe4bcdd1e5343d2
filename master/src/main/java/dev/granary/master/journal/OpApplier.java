package dev.granary.master.journal;

import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.security.Caller;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.SetAttributesResponse;
import dev.granary.wire.msg.StatResponse;

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
          c.chunkSize(), c.chunks(), c.time(),
          new Caller(c.owner(), c.group(), caller.superuser()));
      result = new Applied(new CommitFileResponse(r.entry()), r.garbage());
    } else if (op instanceof Op.Delete d) {
      Namespace.DeleteResult r = ns.delete(d.path(), d.recursive(), d.time(), caller);
      result = new Applied(new DeleteResponse(r.files(), r.directories()), r.garbage());
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
