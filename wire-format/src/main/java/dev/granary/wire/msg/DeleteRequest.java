package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Deletes a file, an empty directory, or with {@code recursive} a whole tree, atomically. */
public record DeleteRequest(String clientId, long opId, String path, boolean recursive) implements Message {
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
  }

  public static DeleteRequest decode(ByteBuf in) {
    return new DeleteRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readBoolean(in));
  }
}
