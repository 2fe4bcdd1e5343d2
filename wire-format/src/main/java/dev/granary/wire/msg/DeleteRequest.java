package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/**
 * Deletes a file (with its kept versions), an empty directory, or with {@code recursive} a whole
 * tree, atomically. Under a directory policy with a trash duration the entry moves into the
 * caller's trash instead, unless {@code skipTrash}.
 */
public record DeleteRequest(String clientId, long opId, String path, boolean recursive,
    boolean skipTrash) implements Message {

  /** A delete that honours the trash policy. */
  public DeleteRequest(String clientId, long opId, String path, boolean recursive) {
    this(clientId, opId, path, recursive, false);
  }

  @Override
  public MessageType type() {
    return MessageType.DELETE_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeString(out, path);
    Codec.writeBoolean(out, recursive);
    Codec.writeBoolean(out, skipTrash);
  }

  public static DeleteRequest decode(ByteBuf in) {
    return new DeleteRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readBoolean(in), Codec.readBoolean(in));
  }
}
