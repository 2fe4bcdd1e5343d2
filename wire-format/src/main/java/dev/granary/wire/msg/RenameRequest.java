package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Moves {@code source} to {@code destination} atomically; if the destination is an existing directory the source moves into it. Answered by {@link StatResponse} of the entry at its new path. */
public record RenameRequest(String clientId, long opId, String source, String destination) implements Message {
  @Override
  public MessageType type() {
    return MessageType.RENAME_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeString(out, source);
    Codec.writeString(out, destination);
  }

  public static RenameRequest decode(ByteBuf in) {
    return new RenameRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readString(in));
  }
}
