package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * The master's configured defaults: the chunk size and replication a file gets when the writer
 * does not choose, and the fewest replicas a chunk must reach for a write to succeed.
 */
public record ServerDefaultsResponse(long chunkSize, int replication, int minReplicas)
    implements Message {
  @Override
  public MessageType type() {
    return MessageType.SERVER_DEFAULTS_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(chunkSize);
    out.writeInt(replication);
    out.writeInt(minReplicas);
  }

  public static ServerDefaultsResponse decode(ByteBuf in) {
    return new ServerDefaultsResponse(Codec.readNonNegativeLong(in, "chunk size"),
        Codec.readInt(in, 1, 255, "replication"), Codec.readInt(in, 1, 255, "min replicas"));
  }
}
