package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/**
 * A chunkserver's heartbeat with its current space and load, and its traffic counters: bytes it
 * served to readers, bytes it wrote into replicas, and replicas it found corrupt or vanished, each
 * counted since the chunkserver process started (so they restart from zero with it). Answered by
 * {@link PulseResponse}, or ERROR NOT_REGISTERED if the master does not know the node.
 */
public record PulseRequest(String nodeId, long capacityBytes, long usedBytes, long freeBytes,
    int activeTransfers, long bytesRead, long bytesWritten, long corruptReplicasFound)
    implements Message {

  /** A pulse without traffic (every counter zero). */
  public PulseRequest(String nodeId, long capacityBytes, long usedBytes, long freeBytes,
      int activeTransfers) {
    this(nodeId, capacityBytes, usedBytes, freeBytes, activeTransfers, 0, 0, 0);
  }

  @Override
  public MessageType type() {
    return MessageType.PULSE_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, nodeId);
    out.writeLong(capacityBytes);
    out.writeLong(usedBytes);
    out.writeLong(freeBytes);
    out.writeInt(activeTransfers);
    out.writeLong(bytesRead);
    out.writeLong(bytesWritten);
    out.writeLong(corruptReplicasFound);
  }

  public static PulseRequest decode(ByteBuf in) {
    return new PulseRequest(Codec.readString(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in), Codec.readInt(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in));
  }
}
