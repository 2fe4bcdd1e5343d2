package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** The cluster as the master sees it. {@code locationsComplete} is false until chunkserver reports cover the namespace after a restart; {@code deletionsHeld} counts replicas whose deletion waits for an operator; {@code readOnly}: the master cannot write its operation log and refuses mutations. */
public record ClusterStatusResponse(String masterId, List<NodeStatus> nodes, long files, long directories, long chunks, long underReplicated, long overReplicated, long missing, long corrupt, long replicationQueue, long replicationsInFlight, boolean locationsComplete, long uptimeMillis, String clusterId, long deletionsHeld, boolean readOnly) implements Message {
  public ClusterStatusResponse {
    nodes = List.copyOf(nodes);
  }

  /** A writable master's status (readOnly false). */
  public ClusterStatusResponse(String masterId, List<NodeStatus> nodes, long files, long directories, long chunks, long underReplicated, long overReplicated, long missing, long corrupt, long replicationQueue, long replicationsInFlight, boolean locationsComplete, long uptimeMillis, String clusterId, long deletionsHeld) {
    this(masterId, nodes, files, directories, chunks, underReplicated, overReplicated, missing, corrupt, replicationQueue, replicationsInFlight, locationsComplete, uptimeMillis, clusterId, deletionsHeld, false);
  }

  /** This status with {@code readOnly} set as given. */
  public ClusterStatusResponse withReadOnly(boolean readOnly) {
    return new ClusterStatusResponse(masterId, nodes, files, directories, chunks, underReplicated, overReplicated, missing, corrupt, replicationQueue, replicationsInFlight, locationsComplete, uptimeMillis, clusterId, deletionsHeld, readOnly);
  }

  @Override
  public MessageType type() {
    return MessageType.CLUSTER_STATUS_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, masterId);
    Codec.writeList(out, nodes, (b, n) -> n.encode(b));
    out.writeLong(files);
    out.writeLong(directories);
    out.writeLong(chunks);
    out.writeLong(underReplicated);
    out.writeLong(overReplicated);
    out.writeLong(missing);
    out.writeLong(corrupt);
    out.writeLong(replicationQueue);
    out.writeLong(replicationsInFlight);
    Codec.writeBoolean(out, locationsComplete);
    out.writeLong(uptimeMillis);
    Codec.writeString(out, clusterId);
    out.writeLong(deletionsHeld);
    Codec.writeBoolean(out, readOnly);
  }

  public static ClusterStatusResponse decode(ByteBuf in) {
    return new ClusterStatusResponse(Codec.readString(in),
        Codec.readList(in, NodeStatus.MIN_BYTES, NodeStatus::decode), Codec.readLong(in),
        Codec.readLong(in), Codec.readLong(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in), Codec.readLong(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readBoolean(in), Codec.readLong(in), Codec.readString(in), Codec.readLong(in),
        Codec.readBoolean(in));
  }
}
