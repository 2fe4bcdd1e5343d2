package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** The file a {@link RestoreRequest} restored, and the version number its contents now have. */
public record RestoreResponse(FileEntry entry, long version) implements Message {
  @Override
  public MessageType type() {
    return MessageType.RESTORE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    entry.encode(out);
    out.writeLong(version);
  }

  public static RestoreResponse decode(ByteBuf in) {
    return new RestoreResponse(FileEntry.decode(in), Codec.readPositiveLong(in, "version"));
  }
}
