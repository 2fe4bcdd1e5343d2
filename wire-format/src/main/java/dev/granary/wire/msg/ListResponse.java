package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** One page of a listing; {@code more} says another page follows. */
public record ListResponse(List<FileEntry> entries, boolean more) implements Message {
  public ListResponse {
    entries = List.copyOf(entries);
  }

  @Override
  public MessageType type() {
    return MessageType.LIST_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeList(out, entries, (b, e) -> e.encode(b));
    Codec.writeBoolean(out, more);
  }

  public static ListResponse decode(ByteBuf in) {
    return new ListResponse(Codec.readList(in, FileEntry.MIN_BYTES, FileEntry::decode),
        Codec.readBoolean(in));
  }
}
