package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.ByteBuf;


/**
 * A reader or a chunkserver's scrubber found that the replica of {@code handle} on {@code nodeId} fails its checksums. Answered by {@link Ok}.
 *
 * <p>{@code token}: a reader's READ token for the chunk, required when the cluster runs with
 * tokens (else ERROR TOKEN_INVALID); the holder's own report needs none.
 */
public record ReportBadReplicaRequest(long handle, long version, String nodeId, String reason, ChunkToken token) implements Message {
  /** A report without a token (the holder's own, or a cluster without security). */
  public ReportBadReplicaRequest(long handle, long version, String nodeId, String reason) {
    this(handle, version, nodeId, reason, ChunkToken.NONE);
  }

  @Override
  public MessageType type() {
    return MessageType.REPORT_BAD_REPLICA_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    Codec.writeString(out, nodeId);
    Codec.writeString(out, reason);
    token.encode(out);
  }

  public static ReportBadReplicaRequest decode(ByteBuf in) {
    return new ReportBadReplicaRequest(Codec.readLong(in), Codec.readLong(in),
        Codec.readString(in), Codec.readString(in), ChunkToken.decode(in));
  }
}
