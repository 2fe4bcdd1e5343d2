package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Checks the health of every chunk of the files under {@code path}. */
public record FsckRequest(String path) implements Message {
  @Override
  public MessageType type() {
    return MessageType.FSCK_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
  }

  public static FsckRequest decode(ByteBuf in) {
    return new FsckRequest(Codec.readString(in));
  }
}
