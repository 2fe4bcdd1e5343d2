package dev.granary.wire.msg;

import io.netty.buffer.ByteBuf;

/**
 * A chunkserver as the master sees it, for {@code granary cluster}. {@code state} is {@code LIVE},
 * {@code DEAD}, {@code DECOMMISSIONING} or {@code DECOMMISSIONED}. {@code decommissionSince} is
 * when an operator asked for the node to be decommissioned (epoch milliseconds), 0 if not;
 * {@code replicasLeft} counts the replicas it holds whose chunk does not yet have its goal on
 * other nodes (0 when not decommissioning).
 */
public record NodeStatus(String id, String host, int port, String state, long usedBytes,
    long capacityBytes, long freeBytes, long chunks, long millisSinceLastPulse,
    int activeTransfers, long decommissionSince, long replicasLeft) {
  static final int MIN_BYTES = 2 + 2 + 2 + 2 + 8 * 5 + 4 + 8 * 2;

  /** A node no operator is decommissioning. */
  public NodeStatus(String id, String host, int port, String state, long usedBytes,
      long capacityBytes, long freeBytes, long chunks, long millisSinceLastPulse,
      int activeTransfers) {
    this(id, host, port, state, usedBytes, capacityBytes, freeBytes, chunks,
        millisSinceLastPulse, activeTransfers, 0, 0);
  }

  public String hostPort() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  public void encode(ByteBuf out) {
    Codec.writeString(out, id);
    Codec.writeString(out, host);
    out.writeShort(port);
    Codec.writeString(out, state);
    out.writeLong(usedBytes);
    out.writeLong(capacityBytes);
    out.writeLong(freeBytes);
    out.writeLong(chunks);
    out.writeLong(millisSinceLastPulse);
    out.writeInt(activeTransfers);
    out.writeLong(decommissionSince);
    out.writeLong(replicasLeft);
  }

  public static NodeStatus decode(ByteBuf in) {
    return new NodeStatus(Codec.readString(in), Codec.readString(in), Codec.readUnsignedShort(in),
        Codec.readString(in), Codec.readLong(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in), Codec.readLong(in), Codec.readInt(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "replicasLeft"));
  }
}
