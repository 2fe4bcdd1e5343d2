package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Asks for a file's entry and the locations of up to {@code maxChunks} of its chunks from index {@code firstChunk}. */
public record LookupRequest(String path, int firstChunk, int maxChunks) implements Message {
  @Override
  public MessageType type() {
    return MessageType.LOOKUP_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    out.writeInt(firstChunk);
    out.writeInt(maxChunks);
  }

  public static LookupRequest decode(ByteBuf in) {
    return new LookupRequest(Codec.readString(in),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "first chunk"),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "max chunks"));
  }
}
