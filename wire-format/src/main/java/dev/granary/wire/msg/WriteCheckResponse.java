package dev.granary.wire.msg;

import dev.granary.wire.Compression;
import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * The answer to {@link WriteCheckRequest}: the entry at the path, or null if there is none, and
 * the nearest policy's compression and encryption for a new file there ({@link Compression#NONE}
 * and false where no policy sets them). The master refuses the commit of an unencrypted file
 * where the policy says {@code encrypt}.
 */
public record WriteCheckResponse(FileEntry existing, Compression compression, boolean encrypt)
    implements Message {
  public WriteCheckResponse {
    if (compression == null) {
      throw new IllegalArgumentException("compression is null");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.WRITE_CHECK_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeBoolean(out, existing != null);
    if (existing != null) {
      existing.encode(out);
    }
    out.writeByte(compression.id());
    Codec.writeBoolean(out, encrypt);
  }

  public static WriteCheckResponse decode(ByteBuf in) {
    FileEntry existing = Codec.readBoolean(in) ? FileEntry.decode(in) : null;
    int id = Codec.readUnsignedByte(in);
    Compression c = Compression.ofId(id);
    if (c == null) {
      throw new ProtocolException("unknown compression id " + id);
    }
    return new WriteCheckResponse(existing, c, Codec.readBoolean(in));
  }
}
