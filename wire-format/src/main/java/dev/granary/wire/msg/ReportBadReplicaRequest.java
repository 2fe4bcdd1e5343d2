package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** A reader or a chunkserver's scrubber found that the replica of {@code handle} on {@code nodeId} fails its checksums. Answered by {@link Ok}. */
public record ReportBadReplicaRequest(long handle, long version, String nodeId, String reason) implements Message {
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
  }

  public static ReportBadReplicaRequest decode(ByteBuf in) {
    return new ReportBadReplicaRequest(Codec.readLong(in), Codec.readLong(in),
        Codec.readString(in), Codec.readString(in));
  }
}
