package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/**
 * How many files and directories a delete removed, and {@code trashExpires}: 0 if they were
 * removed outright, else the time (epoch milliseconds) until which they stay in the caller's trash.
 */
public record DeleteResponse(long files, long directories, long trashExpires) implements Message {

  /** A delete that removed outright. */
  public DeleteResponse(long files, long directories) {
    this(files, directories, 0);
  }

  /** Whether the delete moved the entry into the trash rather than removing it. */
  public boolean trashed() {
    return trashExpires > 0;
  }

  @Override
  public MessageType type() {
    return MessageType.DELETE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(files);
    out.writeLong(directories);
    out.writeLong(trashExpires);
  }

  public static DeleteResponse decode(ByteBuf in) {
    return new DeleteResponse(Codec.readNonNegativeLong(in, "files"),
        Codec.readNonNegativeLong(in, "directories"),
        Codec.readNonNegativeLong(in, "trash expiry"));
  }
}
