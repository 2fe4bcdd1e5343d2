package dev.granary.wire.security;

import dev.granary.wire.ChunkHandles;
import dev.granary.wire.ProtocolException;
import dev.granary.wire.msg.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A chunk access token: the master's signature over {handle, access, user, expiry, key id}, with
 * the key {@code keyId} (HMAC-SHA256). A chunkserver that holds the key can check it without asking
 * the master (HDFS block tokens). {@link #NONE} is the empty token of a cluster without security.
 *
 * <p>On the wire ({@link #encode}): {@code u16} n, then n bytes; n = 0 is {@link #NONE}. The n
 * bytes: handle i64, access u8 (bit set of {@link ChunkAccess}), expiryMillis i64, keyId i32,
 * user string, mac (32 bytes). The MAC covers every byte before it.
 *
 * <p>A token is a bearer credential: {@link #toString()} leaves the MAC out.
 */
public record ChunkToken(long handle, int access, String user, long expiryMillis, int keyId,
    byte[] mac) {
  /** Bytes of an HMAC-SHA256. */
  public static final int MAC_BYTES = 32;
  /** Longest user name a token carries, in UTF-8 bytes. */
  public static final int MAX_USER_BYTES = 255;
  /** Smallest encoded body (empty user). */
  static final int MIN_BODY = 8 + 1 + 8 + 4 + 2 + MAC_BYTES;
  /** Largest encoded body. */
  static final int MAX_BODY = MIN_BODY + MAX_USER_BYTES;
  /** The empty token: no token at all. */
  public static final ChunkToken NONE = new ChunkToken(0, 0, "", 0, 0, new byte[0]);

  /**
   * Per thread, an HMAC and the key it was last initialized with: a lookup signs one token per
   * chunk with the same key, and {@link Mac#doFinal()} leaves the MAC ready for that key again.
   */
  private static final ThreadLocal<KeyedMac> HMAC = ThreadLocal.withInitial(() -> {
    try {
      return new KeyedMac(Mac.getInstance("HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  });

  private static final class KeyedMac {
    final Mac mac;
    TokenKey key;

    KeyedMac(Mac mac) {
      this.mac = mac;
    }

    Mac forKey(TokenKey k) throws GeneralSecurityException {
      if (key != k) {
        mac.init(new SecretKeySpec(k.secretBytes(), "HmacSHA256"));
        key = k;
      }
      return mac;
    }
  }

  public ChunkToken {
    mac = mac.clone();
    if ((access & ~ChunkAccess.ALL_BITS) != 0) {
      throw new IllegalArgumentException("token access bits " + access + " outside "
          + ChunkAccess.ALL_BITS);
    }
    if (user.getBytes(StandardCharsets.UTF_8).length > MAX_USER_BYTES) {
      throw new IllegalArgumentException("token user of more than " + MAX_USER_BYTES
          + " UTF-8 bytes");
    }
  }

  /** A token for {@code handle} allowing {@code access} to {@code user}, signed with {@code key}. */
  public static ChunkToken sign(TokenKey key, long handle, int access, String user,
      long expiryMillis) {
    return new ChunkToken(handle, access, user, expiryMillis, key.id(),
        computeMac(key, handle, access, user, expiryMillis, key.id()));
  }

  /** Whether this is {@link #NONE}. */
  public boolean isNone() {
    return mac.length == 0;
  }

  /** Whether the token allows {@code mode}. */
  public boolean allows(ChunkAccess mode) {
    return (access & mode.bit()) != 0;
  }

  @Override
  public byte[] mac() {
    return mac.clone();
  }

  /** Whether {@code key} signed exactly these fields (compared in constant time). */
  public boolean signedBy(TokenKey key) {
    if (isNone() || key.id() != keyId) {
      return false;
    }
    return java.security.MessageDigest.isEqual(mac,
        computeMac(key, handle, access, user, expiryMillis, keyId));
  }

  private static byte[] computeMac(TokenKey key, long handle, int access, String user,
      long expiryMillis, int keyId) {
    ByteBuf body = Unpooled.buffer(MAX_BODY);
    try {
      writeFields(body, handle, access, user, expiryMillis, keyId);
      Mac m = HMAC.get().forKey(key);
      m.update(body.nioBuffer());
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 refused a 32-byte key", e);
    } finally {
      body.release();
    }
  }

  private static void writeFields(ByteBuf out, long handle, int access, String user,
      long expiryMillis, int keyId) {
    out.writeLong(handle);
    out.writeByte(access);
    out.writeLong(expiryMillis);
    out.writeInt(keyId);
    Codec.writeString(out, user);
  }

  public void encode(ByteBuf out) {
    if (isNone()) {
      out.writeShort(0);
      return;
    }
    int start = out.writerIndex();
    out.writeShort(0);
    writeFields(out, handle, access, user, expiryMillis, keyId);
    out.writeBytes(mac);
    out.setShort(start, out.writerIndex() - start - 2);
  }

  public static ChunkToken decode(ByteBuf in) {
    int n = Codec.readUnsignedShort(in);
    if (n == 0) {
      return NONE;
    }
    if (n < MIN_BODY || n > MAX_BODY || n > in.readableBytes()) {
      throw new ProtocolException("chunk token of " + n + " bytes, expected 0 or " + MIN_BODY
          + ".." + MAX_BODY + " within the " + in.readableBytes() + " remaining payload bytes");
    }
    int end = in.readerIndex() + n;
    long handle = in.readLong();
    int access = in.readUnsignedByte();
    if ((access & ~ChunkAccess.ALL_BITS) != 0) {
      throw new ProtocolException("chunk token access bits " + access + ", expected a subset of "
          + ChunkAccess.ALL_BITS);
    }
    long expiry = in.readLong();
    int keyId = in.readInt();
    String user = Codec.readString(in);
    if (in.readerIndex() + MAC_BYTES != end) {
      throw new ProtocolException("chunk token of " + n + " bytes does not end with its "
          + MAC_BYTES + "-byte MAC");
    }
    byte[] mac = new byte[MAC_BYTES];
    in.readBytes(mac);
    return new ChunkToken(handle, access, user, expiry, keyId, mac);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChunkToken t && t.handle == handle && t.access == access
        && t.user.equals(user) && t.expiryMillis == expiryMillis && t.keyId == keyId
        && Arrays.equals(t.mac, mac);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(handle) * 31 + Arrays.hashCode(mac);
  }

  @Override
  public String toString() {
    return isNone() ? "ChunkToken{none}" : "ChunkToken{chunk=" + ChunkHandles.format(handle)
        + ", access=" + ChunkAccess.describe(access) + ", user=" + user + ", expiryMillis="
        + expiryMillis + ", keyId=" + keyId + "}";
  }
}
