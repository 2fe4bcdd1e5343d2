package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Success without a result. */
public record Ok() implements Message {
  @Override
  public MessageType type() {
    return MessageType.OK;
  }

  @Override
  public void encode(ByteBuf out) {}

  public static Ok decode(ByteBuf in) {
    return new Ok();
  }
}
