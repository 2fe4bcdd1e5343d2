package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** The committed file. */
public record CommitFileResponse(FileEntry file) implements Message {
  @Override
  public MessageType type() {
    return MessageType.COMMIT_FILE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    file.encode(out);
  }

  public static CommitFileResponse decode(ByteBuf in) {
    return new CommitFileResponse(FileEntry.decode(in));
  }
}
