package dev.granary.wire.msg;

import io.netty.buffer.ByteBuf;

/** A chunkserver as the master sees it, for {@code granary cluster}. */
public record NodeStatus(String id, String host, int port, String state, long usedBytes,
    long capacityBytes, long freeBytes, long chunks, long millisSinceLastPulse,
    int activeTransfers) {
  static final int MIN_BYTES = 2 + 2 + 2 + 2 + 8 * 5 + 4;

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
  }

  public static NodeStatus decode(ByteBuf in) {
    return new NodeStatus(Codec.readString(in), Codec.readString(in), Codec.readUnsignedShort(in),
        Codec.readString(in), Codec.readLong(in), Codec.readLong(in), Codec.readLong(in),
        Codec.readLong(in), Codec.readLong(in), Codec.readInt(in));
  }
}
