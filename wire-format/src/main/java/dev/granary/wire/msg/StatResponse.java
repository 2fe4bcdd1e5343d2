package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** One namespace entry (also the answer to mkdir and rename). */
public record StatResponse(FileEntry entry) implements Message {
  @Override
  public MessageType type() {
    return MessageType.STAT_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    entry.encode(out);
  }

  public static StatResponse decode(ByteBuf in) {
    return new StatResponse(FileEntry.decode(in));
  }
}
