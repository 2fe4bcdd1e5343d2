package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Keep-alive probe; answered by {@link Pong}. */
public record Ping() implements Message {
  @Override
  public MessageType type() {
    return MessageType.PING;
  }

  @Override
  public void encode(ByteBuf out) {}

  public static Ping decode(ByteBuf in) {
    return new Ping();
  }
}
