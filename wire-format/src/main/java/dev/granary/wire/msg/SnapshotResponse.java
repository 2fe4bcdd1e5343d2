package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Snapshots of a directory: the one a {@link SnapshotRequest} created or deleted, or all of them
 * for LIST (at most {@link Limits#MAX_SNAPSHOTS}), oldest first.
 */
public record SnapshotResponse(List<SnapshotInfo> snapshots) implements Message {

  /**
   * One snapshot: its {@code name}, the {@code path} it is read at ({@code DIR/.snapshot/NAME})
   * and when it was {@code created}, in epoch milliseconds.
   */
  public record SnapshotInfo(String name, String path, long created) {
    static final int MIN_BYTES = 2 + 2 + 8;

    void encode(ByteBuf out) {
      Codec.writeString(out, name);
      Codec.writeString(out, path);
      out.writeLong(created);
    }

    static SnapshotInfo decode(ByteBuf in) {
      String name = Codec.readString(in);
      String path = Codec.readString(in);
      if (name.isEmpty() || path.isEmpty()) {
        throw new ProtocolException("snapshot with an empty name or path");
      }
      return new SnapshotInfo(name, path, Codec.readLong(in));
    }
  }

  public SnapshotResponse {
    snapshots = List.copyOf(snapshots);
  }

  @Override
  public MessageType type() {
    return MessageType.SNAPSHOT_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeList(out, snapshots, (o, s) -> s.encode(o));
  }

  public static SnapshotResponse decode(ByteBuf in) {
    return new SnapshotResponse(Codec.readList(in, SnapshotInfo.MIN_BYTES, Limits.MAX_SNAPSHOTS,
        "snapshot", SnapshotInfo::decode));
  }
}
