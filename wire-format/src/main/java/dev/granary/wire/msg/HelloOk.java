package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.Role;
import io.netty.buffer.ByteBuf;


/** Accepts a {@link Hello}: the server's role, id and software version. */
public record HelloOk(Role role, String nodeId, String software) implements Message {
  @Override
  public MessageType type() {
    return MessageType.HELLO_OK;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(role.code());
    Codec.writeString(out, nodeId);
    Codec.writeString(out, software);
  }

  public static HelloOk decode(ByteBuf in) {
    return new HelloOk(Role.fromCode(Codec.readUnsignedByte(in)), Codec.readString(in),
        Codec.readString(in));
  }
}
