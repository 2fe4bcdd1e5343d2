package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** Replicas a chunkserver holds. A full report (sent after registering) may span several parts, numbered from 0, the last flagged; the master reconciles when it has the last part. An incremental report lists new replicas and the handles of removed ones. Answered by {@link Ok}. */
public record ReplicaReportRequest(String nodeId, boolean full, int part, boolean last, List<ReplicaInfo> replicas, List<Long> removedHandles) implements Message {
  public ReplicaReportRequest {
    replicas = List.copyOf(replicas);
    removedHandles = List.copyOf(removedHandles);
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_REPORT_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, nodeId);
    Codec.writeBoolean(out, full);
    out.writeInt(part);
    Codec.writeBoolean(out, last);
    Codec.writeList(out, replicas, (b, r) -> r.encode(b));
    Codec.writeLongs(out, removedHandles);
  }

  public static ReplicaReportRequest decode(ByteBuf in) {
    return new ReplicaReportRequest(Codec.readString(in), Codec.readBoolean(in),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "part"), Codec.readBoolean(in),
        Codec.readList(in, ReplicaInfo.BYTES, ReplicaInfo::decode), Codec.readLongs(in));
  }
}
