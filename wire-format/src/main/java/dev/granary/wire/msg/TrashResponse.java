package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Entries of the caller's trash (at most {@link Limits#MAX_TRASH_ENTRIES}, soonest to expire
 * first): those a {@link TrashRequest} listed, restored or emptied.
 */
public record TrashResponse(List<TrashEntry> entries) implements Message {

  /**
   * One removed file or directory tree: its original {@code path}, whether it is a
   * {@code directory}, its {@code size} in bytes and the number of {@code files} in it (1 for a
   * file), when it was {@code deleted} and when it {@code expires} and is freed, both in epoch
   * milliseconds.
   */
  public record TrashEntry(String path, boolean directory, long size, long files, long deleted,
      long expires) {
    static final int MIN_BYTES = 2 + 1 + 8 + 8 + 8 + 8;

    void encode(ByteBuf out) {
      Codec.writeString(out, path);
      Codec.writeBoolean(out, directory);
      out.writeLong(size);
      out.writeLong(files);
      out.writeLong(deleted);
      out.writeLong(expires);
    }

    static TrashEntry decode(ByteBuf in) {
      String path = Codec.readString(in);
      if (path.isEmpty()) {
        throw new ProtocolException("trash entry with an empty path");
      }
      return new TrashEntry(path, Codec.readBoolean(in), Codec.readNonNegativeLong(in, "size"),
          Codec.readNonNegativeLong(in, "files"), Codec.readLong(in), Codec.readLong(in));
    }
  }

  public TrashResponse {
    entries = List.copyOf(entries);
  }

  @Override
  public MessageType type() {
    return MessageType.TRASH_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeList(out, entries, (o, e) -> e.encode(o));
  }

  public static TrashResponse decode(ByteBuf in) {
    return new TrashResponse(Codec.readList(in, TrashEntry.MIN_BYTES, Limits.MAX_TRASH_ENTRIES,
        "trash entry", TrashEntry::decode));
  }
}
