package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.Role;
import io.netty.buffer.ByteBuf;


/** First frame on every connection: the peer's role, id (may be empty for clients) and software version. The frame header carries the protocol version. */
public record Hello(Role role, String nodeId, String software) implements Message {
  @Override
  public MessageType type() {
    return MessageType.HELLO;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(role.code());
    Codec.writeString(out, nodeId);
    Codec.writeString(out, software);
  }

  public static Hello decode(ByteBuf in) {
    return new Hello(Role.fromCode(Codec.readUnsignedByte(in)), Codec.readString(in),
        Codec.readString(in));
  }
}
