package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * Asked by a writer before it sends a file's first byte: the entry now at {@code path} (the file
 * a write would replace), and how the nearest directory policy says new files there are stored
 * (compression, encryption), which the client applies itself. Answered by
 * {@link WriteCheckResponse}; needs what STAT needs.
 */
public record WriteCheckRequest(String path) implements Message {
  @Override
  public MessageType type() {
    return MessageType.WRITE_CHECK_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
  }

  public static WriteCheckRequest decode(ByteBuf in) {
    return new WriteCheckRequest(Codec.readString(in));
  }
}
