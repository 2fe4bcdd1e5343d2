package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** How many files and directories a delete removed. */
public record DeleteResponse(long files, long directories) implements Message {
  @Override
  public MessageType type() {
    return MessageType.DELETE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(files);
    out.writeLong(directories);
  }

  public static DeleteResponse decode(ByteBuf in) {
    return new DeleteResponse(Codec.readNonNegativeLong(in, "files"),
        Codec.readNonNegativeLong(in, "directories"));
  }
}
