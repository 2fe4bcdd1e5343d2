package dev.granary.wire.security;

import dev.granary.wire.ProtocolException;
import dev.granary.wire.msg.Codec;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * What the master tells a chunkserver about chunk tokens in every REGISTER and PULSE reply:
 * whether tokens are required, and the keys tokens may be signed with now (the whole current set,
 * at most {@link #MAX_KEYS}; a key missing from it is no longer valid).
 */
public record TokenKeys(boolean required, List<TokenKey> keys) {
  /** Most keys in one set (the master keeps about three: current, previous, next to expire). */
  public static final int MAX_KEYS = 16;
  /** Tokens not required, no keys: a cluster without security. */
  public static final TokenKeys NONE = new TokenKeys(false, List.of());

  public TokenKeys {
    keys = List.copyOf(keys);
    if (keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException(keys.size() + " token keys, at most " + MAX_KEYS);
    }
  }

  public void encode(ByteBuf out) {
    Codec.writeBoolean(out, required);
    Codec.writeList(out, keys, (b, k) -> k.encode(b));
  }

  public static TokenKeys decode(ByteBuf in) {
    boolean required = Codec.readBoolean(in);
    List<TokenKey> keys = Codec.readList(in, TokenKey.BYTES, TokenKey::decode);
    if (keys.size() > MAX_KEYS) {
      throw new ProtocolException(keys.size() + " token keys, at most " + MAX_KEYS);
    }
    return new TokenKeys(required, keys);
  }
}
