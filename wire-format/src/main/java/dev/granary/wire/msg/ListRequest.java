package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Lists a directory in name order, entries after {@code startAfter} (empty: from the start), at most {@code limit}. Listing a file gives that file. */
public record ListRequest(String path, String startAfter, int limit) implements Message {
  @Override
  public MessageType type() {
    return MessageType.LIST_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    Codec.writeString(out, startAfter);
    out.writeInt(limit);
  }

  public static ListRequest decode(ByteBuf in) {
    return new ListRequest(Codec.readString(in), Codec.readString(in),
        Codec.readInt(in, 1, Integer.MAX_VALUE, "limit"));
  }
}
