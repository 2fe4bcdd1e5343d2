package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** The new join token (also written to the master's {@code join-token} file). */
public record RotateJoinTokenResponse(String token) implements Message {
  @Override
  public MessageType type() {
    return MessageType.ROTATE_JOIN_TOKEN_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, token);
  }

  public static RotateJoinTokenResponse decode(ByteBuf in) {
    return new RotateJoinTokenResponse(Codec.readString(in));
  }

  /** Never the token. */
  @Override
  public String toString() {
    return "RotateJoinTokenResponse[]";
  }
}
