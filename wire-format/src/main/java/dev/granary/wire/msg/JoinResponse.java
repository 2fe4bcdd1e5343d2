package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** The joining node's certificate and the authority's, both PEM. */
public record JoinResponse(String certificate, String ca) implements Message {
  @Override
  public MessageType type() {
    return MessageType.JOIN_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, certificate);
    Codec.writeString(out, ca);
  }

  public static JoinResponse decode(ByteBuf in) {
    return new JoinResponse(Codec.readString(in), Codec.readString(in));
  }
}
