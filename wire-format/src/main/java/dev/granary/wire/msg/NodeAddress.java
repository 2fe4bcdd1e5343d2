package dev.granary.wire.msg;

import io.netty.buffer.ByteBuf;

/** A chunkserver's stable id and the address clients reach it at. */
public record NodeAddress(String id, String host, int port) {
  static final int MIN_BYTES = 2 + 2 + 2;

  public String hostPort() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  public void encode(ByteBuf out) {
    Codec.writeString(out, id);
    Codec.writeString(out, host);
    out.writeShort(port);
  }

  public static NodeAddress decode(ByteBuf in) {
    return new NodeAddress(Codec.readString(in), Codec.readString(in), Codec.readUnsignedShort(in));
  }

  @Override
  public String toString() {
    return id + "@" + hostPort();
  }
}
