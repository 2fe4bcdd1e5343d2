package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * Works on the caller's own trash: LIST what is in it, RESTORE the entry removed from
 * {@code path} (its original path) back to that path, or EMPTY it, freeing everything in it at
 * once. {@code path} is empty unless the kind is RESTORE. Answered by {@link TrashResponse}: the
 * entries listed, the one restored, or those emptied.
 */
public record TrashRequest(String clientId, long opId, Kind kind, String path) implements Message {
  /** What to do with the trash. */
  public enum Kind {
    LIST,
    RESTORE,
    EMPTY
  }

  public TrashRequest {
    if ((kind == Kind.RESTORE) == path.isEmpty()) {
      throw new IllegalArgumentException(kind == Kind.RESTORE
          ? "a trash RESTORE needs a path" : "a trash " + kind + " takes no path");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.TRASH_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeEnum(out, kind);
    Codec.writeString(out, path);
  }

  public static TrashRequest decode(ByteBuf in) {
    String clientId = Codec.readString(in);
    long opId = Codec.readLong(in);
    Kind kind = Codec.readEnum(in, Kind.values(), "trash request kind");
    String path = Codec.readString(in);
    if ((kind == Kind.RESTORE) == path.isEmpty()) {
      throw new ProtocolException("trash " + kind + " with "
          + (path.isEmpty() ? "an empty path" : "a path"));
    }
    return new TrashRequest(clientId, opId, kind, path);
  }
}
