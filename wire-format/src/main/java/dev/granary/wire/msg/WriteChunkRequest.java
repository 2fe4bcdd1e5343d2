package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** Opens a write stream for a replica on this request id: the receiver stores the {@link WritePacket}s that follow and forwards them to {@code downstream.get(0)} with the rest of the list. {@code maxLength} bounds the replica (space is reserved for it before any byte is written). */
public record WriteChunkRequest(long handle, long version, long maxLength, List<NodeAddress> downstream, String clientId) implements Message {
  public WriteChunkRequest {
    downstream = List.copyOf(downstream);
  }

  @Override
  public MessageType type() {
    return MessageType.WRITE_CHUNK_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(maxLength);
    Codec.writeList(out, downstream, (b, n) -> n.encode(b));
    Codec.writeString(out, clientId);
  }

  public static WriteChunkRequest decode(ByteBuf in) {
    return new WriteChunkRequest(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "max length"),
        Codec.readList(in, NodeAddress.MIN_BYTES, NodeAddress::decode), Codec.readString(in));
  }
}
