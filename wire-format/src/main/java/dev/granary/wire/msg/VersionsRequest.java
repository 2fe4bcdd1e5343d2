package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** Asks for the versions of file {@code path}. Answered by {@link VersionsResponse}. */
public record VersionsRequest(String path) implements Message {
  @Override
  public MessageType type() {
    return MessageType.VERSIONS_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
  }

  public static VersionsRequest decode(ByteBuf in) {
    return new VersionsRequest(Codec.readString(in));
  }
}
