package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/**
 * A chunkserver introduces itself: stable id, the port it serves on, its space, and the cluster id it
 * joined before ({@code ""} if it never joined one). The master takes the host from the connection.
 */
public record RegisterRequest(String nodeId, int port, long capacityBytes, long usedBytes, long freeBytes, String clusterId) implements Message {
  @Override
  public MessageType type() {
    return MessageType.REGISTER_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, nodeId);
    out.writeShort(port);
    out.writeLong(capacityBytes);
    out.writeLong(usedBytes);
    out.writeLong(freeBytes);
    Codec.writeString(out, clusterId);
  }

  public static RegisterRequest decode(ByteBuf in) {
    return new RegisterRequest(Codec.readString(in), Codec.readUnsignedShort(in),
        Codec.readLong(in), Codec.readLong(in), Codec.readLong(in), Codec.readString(in));
  }
}
