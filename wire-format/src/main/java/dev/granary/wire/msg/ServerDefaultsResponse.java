package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * The master's configured defaults: the chunk size and replication a file gets when the writer
 * does not choose, the fewest replicas a chunk must reach for a write to succeed, and whether the
 * master deduplicates chunks of one owner ({@code master.dedup}: a writer then asks which of its
 * chunks are already held before sending them, CHUNK_MATCH_REQUEST).
 */
public record ServerDefaultsResponse(long chunkSize, int replication, int minReplicas,
    boolean dedup) implements Message {
  /** Defaults of a master without deduplication. */
  public ServerDefaultsResponse(long chunkSize, int replication, int minReplicas) {
    this(chunkSize, replication, minReplicas, false);
  }

  @Override
  public MessageType type() {
    return MessageType.SERVER_DEFAULTS_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(chunkSize);
    out.writeInt(replication);
    out.writeInt(minReplicas);
    Codec.writeBoolean(out, dedup);
  }

  public static ServerDefaultsResponse decode(ByteBuf in) {
    return new ServerDefaultsResponse(Codec.readNonNegativeLong(in, "chunk size"),
        Codec.readInt(in, 1, 255, "replication"), Codec.readInt(in, 1, 255, "min replicas"),
        Codec.readBoolean(in));
  }
}
