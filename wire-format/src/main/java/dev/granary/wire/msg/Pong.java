package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Answer to {@link Ping}. */
public record Pong() implements Message {
  @Override
  public MessageType type() {
    return MessageType.PONG;
  }

  @Override
  public void encode(ByteBuf out) {}

  public static Pong decode(ByteBuf in) {
    return new Pong();
  }
}
