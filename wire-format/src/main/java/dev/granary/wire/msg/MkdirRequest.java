package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Creates a directory; with {@code parents}, missing parents too and an existing directory is fine. Answered by {@link StatResponse}. */
public record MkdirRequest(String clientId, long opId, String path, boolean parents) implements Message {
  @Override
  public MessageType type() {
    return MessageType.MKDIR_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeString(out, path);
    Codec.writeBoolean(out, parents);
  }

  public static MkdirRequest decode(ByteBuf in) {
    return new MkdirRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readBoolean(in));
  }
}
