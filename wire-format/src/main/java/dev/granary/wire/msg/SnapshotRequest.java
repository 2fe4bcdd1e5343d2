package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * Creates, deletes or lists the snapshots of directory {@code dir}. A snapshot is a read-only view
 * of {@code dir} as it was when it was created, at {@code dir/.snapshot/name}; creating one costs
 * metadata only (copy-on-write). {@code name} is a single path component for CREATE and DELETE
 * and empty for LIST. Creating and deleting are for the directory's owner or the superuser.
 * Answered by {@link SnapshotResponse}: the snapshot created or deleted, or every snapshot of
 * {@code dir} in creation order.
 */
public record SnapshotRequest(String clientId, long opId, Kind kind, String dir, String name)
    implements Message {
  /** The directory under which a directory's snapshots appear. */
  public static final String SNAPSHOT_DIR = ".snapshot";

  /** What to do with the snapshot(s). */
  public enum Kind {
    CREATE,
    DELETE,
    LIST
  }

  public SnapshotRequest {
    if ((kind == Kind.LIST) != name.isEmpty()) {
      throw new IllegalArgumentException(kind == Kind.LIST
          ? "a snapshot LIST takes no name" : "a snapshot " + kind + " needs a name");
    }
  }

  /** The path at which snapshot {@code name} of {@code dir} is read. */
  public static String snapshotPath(String dir, String name) {
    return (dir.endsWith("/") ? dir : dir + "/") + SNAPSHOT_DIR + "/" + name;
  }

  @Override
  public MessageType type() {
    return MessageType.SNAPSHOT_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeEnum(out, kind);
    Codec.writeString(out, dir);
    Codec.writeString(out, name);
  }

  public static SnapshotRequest decode(ByteBuf in) {
    String clientId = Codec.readString(in);
    long opId = Codec.readLong(in);
    Kind kind = Codec.readEnum(in, Kind.values(), "snapshot request kind");
    String dir = Codec.readString(in);
    String name = Codec.readString(in);
    if ((kind == Kind.LIST) != name.isEmpty()) {
      throw new ProtocolException("snapshot " + kind + " with "
          + (name.isEmpty() ? "an empty name" : "a name"));
    }
    return new SnapshotRequest(clientId, opId, kind, dir, name);
  }
}
