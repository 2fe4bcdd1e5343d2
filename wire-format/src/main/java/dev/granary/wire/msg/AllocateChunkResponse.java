package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** A fresh chunk handle, its version and the pipeline to write it through, first node first. */
public record AllocateChunkResponse(long handle, long version, List<NodeAddress> pipeline) implements Message {
  public AllocateChunkResponse {
    pipeline = List.copyOf(pipeline);
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
  }

  public static AllocateChunkResponse decode(ByteBuf in) {
    return new AllocateChunkResponse(Codec.readLong(in), Codec.readLong(in),
        Codec.readList(in, NodeAddress.MIN_BYTES, NodeAddress::decode));
  }
}
