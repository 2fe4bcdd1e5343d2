package dev.granary.wire.security;

import dev.granary.wire.ProtocolException;
import dev.granary.wire.msg.Codec;
import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A key the master signs chunk tokens with: its id (named by every token signed with it), a
 * 32-byte HMAC-SHA256 secret, and when it expires (epoch milliseconds): no token signed with it
 * lives longer. Never logged: {@link #toString()} leaves the secret out.
 */
public record TokenKey(int id, byte[] secret, long expiresMillis) {
  /** Bytes of every secret. */
  public static final int SECRET_BYTES = 32;
  /** Encoded size: id, expiry and secret. */
  public static final int BYTES = 4 + 8 + SECRET_BYTES;

  public TokenKey {
    if (secret.length != SECRET_BYTES) {
      throw new IllegalArgumentException("token key secret of " + secret.length
          + " bytes, expected " + SECRET_BYTES);
    }
    secret = secret.clone();
  }

  /** A key with a fresh secret from {@code random}. */
  public static TokenKey generate(int id, long expiresMillis, SecureRandom random) {
    byte[] s = new byte[SECRET_BYTES];
    random.nextBytes(s);
    return new TokenKey(id, s, expiresMillis);
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  /** The secret itself, for the MAC (not copied; never modified). */
  byte[] secretBytes() {
    return secret;
  }

  public void encode(ByteBuf out) {
    out.writeInt(id);
    out.writeLong(expiresMillis);
    out.writeBytes(secret);
  }

  public static TokenKey decode(ByteBuf in) {
    int id = Codec.readInt(in);
    long expires = Codec.readLong(in);
    if (in.readableBytes() < SECRET_BYTES) {
      throw new ProtocolException("truncated payload reading a token key secret: need "
          + SECRET_BYTES + " bytes, have " + in.readableBytes());
    }
    byte[] s = new byte[SECRET_BYTES];
    in.readBytes(s);
    return new TokenKey(id, s, expires);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenKey k && k.id == id && k.expiresMillis == expiresMillis
        && Arrays.equals(k.secret, secret);
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(id) * 31 + Long.hashCode(expiresMillis);
  }

  @Override
  public String toString() {
    return "TokenKey{id=" + id + ", expiresMillis=" + expiresMillis + "}";
  }
}
