package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/**
 * Accepts a registration: the master's id, the pulse interval it wants, the host it saw the
 * chunkserver connect from (the address it will give clients), and the cluster's id, which a
 * chunkserver that never joined a cluster keeps from then on.
 */
public record RegisterResponse(String masterId, long pulseIntervalMillis, String observedHost, String clusterId) implements Message {
  @Override
  public MessageType type() {
    return MessageType.REGISTER_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, masterId);
    out.writeLong(pulseIntervalMillis);
    Codec.writeString(out, observedHost);
    Codec.writeString(out, clusterId);
  }

  public static RegisterResponse decode(ByteBuf in) {
    return new RegisterResponse(Codec.readString(in),
        Codec.readNonNegativeLong(in, "pulse interval"), Codec.readString(in), Codec.readString(in));
  }
}
