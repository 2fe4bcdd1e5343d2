package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import dev.granary.wire.security.TokenKeys;
import io.netty.buffer.ByteBuf;


/**
 * Accepts a registration: the master's id, the pulse interval it wants, the host it saw the
 * chunkserver connect from (the address it will give clients), and the cluster's id, which a
 * chunkserver that never joined a cluster keeps from then on; and the chunk token keys (whether
 * tokens are required, and the keys to check them with).
 */
public record RegisterResponse(String masterId, long pulseIntervalMillis, String observedHost, String clusterId, TokenKeys tokens) implements Message {
  /** A reply of a cluster without tokens. */
  public RegisterResponse(String masterId, long pulseIntervalMillis, String observedHost,
      String clusterId) {
    this(masterId, pulseIntervalMillis, observedHost, clusterId, TokenKeys.NONE);
  }

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
    tokens.encode(out);
  }

  public static RegisterResponse decode(ByteBuf in) {
    return new RegisterResponse(Codec.readString(in),
        Codec.readNonNegativeLong(in, "pulse interval"), Codec.readString(in), Codec.readString(in),
        TokenKeys.decode(in));
  }
}
