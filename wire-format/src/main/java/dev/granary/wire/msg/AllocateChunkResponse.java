package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * A fresh chunk handle, its version, the pipeline to write it through, first node first, and the
 * WRITE token every node of the pipeline checks ({@link ChunkToken#NONE} without security).
 */
public record AllocateChunkResponse(long handle, long version, List<NodeAddress> pipeline, ChunkToken token) implements Message {
  public AllocateChunkResponse {
    pipeline = List.copyOf(pipeline);
  }

  /** An allocation without a token. */
  public AllocateChunkResponse(long handle, long version, List<NodeAddress> pipeline) {
    this(handle, version, pipeline, ChunkToken.NONE);
  }

  /** This allocation with {@code t} as its token. */
  public AllocateChunkResponse withToken(ChunkToken t) {
    return new AllocateChunkResponse(handle, version, pipeline, t);
  }

  @Override
  public MessageType type() {
    return MessageType.ALLOCATE_CHUNK_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    Codec.writeList(out, pipeline, (b, n) -> n.encode(b));
    token.encode(out);
  }

  public static AllocateChunkResponse decode(ByteBuf in) {
    return new AllocateChunkResponse(Codec.readLong(in), Codec.readLong(in),
        Codec.readList(in, NodeAddress.MIN_BYTES, NodeAddress::decode), ChunkToken.decode(in));
  }
}
