package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** How many entries a {@link SetAttributesRequest} changed. */
public record SetAttributesResponse(long entries) implements Message {
  @Override
  public MessageType type() {
    return MessageType.SET_ATTRIBUTES_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(entries);
  }

  public static SetAttributesResponse decode(ByteBuf in) {
    return new SetAttributesResponse(Codec.readNonNegativeLong(in, "entries"));
  }
}
