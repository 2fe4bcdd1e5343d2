package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Asks for one namespace entry. */
public record StatRequest(String path) implements Message {
  @Override
  public MessageType type() {
    return MessageType.STAT_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
  }

  public static StatRequest decode(ByteBuf in) {
    return new StatRequest(Codec.readString(in));
  }
}
