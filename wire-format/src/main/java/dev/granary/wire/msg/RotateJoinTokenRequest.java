package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** The superuser replaces the cluster's join token; the old one stops working at once. */
public record RotateJoinTokenRequest() implements Message {
  @Override
  public MessageType type() {
    return MessageType.ROTATE_JOIN_TOKEN_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {}

  public static RotateJoinTokenRequest decode(ByteBuf in) {
    return new RotateJoinTokenRequest();
  }
}
