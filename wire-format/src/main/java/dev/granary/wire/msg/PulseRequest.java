package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** A chunkserver's heartbeat with its current space and load. Answered by {@link PulseResponse}, or ERROR NOT_REGISTERED if the master does not know the node. */
public record PulseRequest(String nodeId, long capacityBytes, long usedBytes, long freeBytes, int activeTransfers) implements Message {
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
  }

  public static PulseRequest decode(ByteBuf in) {
    return new PulseRequest(Codec.readString(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in), Codec.readInt(in));
  }
}
