package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Opens a write stream for a replica on this request id: the receiver stores the {@link WritePacket}s that follow and forwards them to {@code downstream.get(0)} with the rest of the list. {@code maxLength} bounds the replica (space is reserved for it before any byte is written).
 *
 * <p>{@code primary} is true only on the request a client sends to the head of its pipeline.
 * The head keeps its replica in the page cache (the master lists it first, so readers go there);
 * forwarded requests and re-replication copies carry false, and those replicas are written around
 * the page cache (direct I/O where the file system allows it), so one chunk costs the cluster's
 * memory one copy, not three.
 *
 * <p>{@code token} is the WRITE token of the master's allocation (or the COPY token of a
 * re-replication command), forwarded unchanged down the pipeline: every hop checks it.
 */
public record WriteChunkRequest(long handle, long version, long maxLength, List<NodeAddress> downstream, String clientId, boolean primary, ChunkToken token) implements Message {
  public WriteChunkRequest {
    downstream = List.copyOf(downstream);
  }

  /** A request without a token (a cluster without security). */
  public WriteChunkRequest(long handle, long version, long maxLength,
      List<NodeAddress> downstream, String clientId, boolean primary) {
    this(handle, version, maxLength, downstream, clientId, primary, ChunkToken.NONE);
  }

  /** A client's request to the head of its pipeline ({@code primary} true). */
  public WriteChunkRequest(long handle, long version, long maxLength,
      List<NodeAddress> downstream, String clientId) {
    this(handle, version, maxLength, downstream, clientId, true);
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
    Codec.writeBoolean(out, primary);
    token.encode(out);
  }

  public static WriteChunkRequest decode(ByteBuf in) {
    return new WriteChunkRequest(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "max length"),
        Codec.readList(in, NodeAddress.MIN_BYTES, NodeAddress::decode), Codec.readString(in),
        Codec.readBoolean(in), ChunkToken.decode(in));
  }
}
