package dev.granary.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a chunk's bytes, as four longs (big-endian order of the 32 digest bytes): the
 * chunk's content address, computed by the writer, checked by every chunkserver before it commits
 * a replica, and recorded by the master at commit. {@link #NONE} (all zero) means "not known": a
 * chunk written before chunks had content digests. The CRC-based {@code digest} long that replicas
 * report and majority votes compare stays separate; this one is for telling chunks apart by content
 * (delta updates, deduplication), where a CRC's collisions could be constructed.
 */
public record Sha256(long a, long b, long c, long d) {
  /** Bytes of a digest on the wire. */
  public static final int BYTES = 32;
  /** Not known. */
  public static final Sha256 NONE = new Sha256(0, 0, 0, 0);
  private static final HexFormat HEX = HexFormat.of();

  /** True for {@link #NONE}. */
  public boolean isNone() {
    return (a | b | c | d) == 0;
  }

  /** The digest of 32 bytes as {@link MessageDigest#digest()} gives them. */
  public static Sha256 of(byte[] digest) {
    if (digest.length != BYTES) {
      throw new IllegalArgumentException("a SHA-256 digest is 32 bytes, not " + digest.length);
    }
    return new Sha256(longAt(digest, 0), longAt(digest, 8), longAt(digest, 16), longAt(digest, 24));
  }

  /** The 32 bytes, big-endian. */
  public byte[] bytes() {
    byte[] out = new byte[BYTES];
    putLong(out, 0, a);
    putLong(out, 8, b);
    putLong(out, 16, c);
    putLong(out, 24, d);
    return out;
  }

  /** 64 lower-case hex digits, as {@code sha256sum} prints them. */
  public String hex() {
    return HEX.formatHex(bytes());
  }

  /**
   * Parses 64 hex digits.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static Sha256 parse(String hex) {
    if (hex.length() != BYTES * 2) {
      throw new IllegalArgumentException("a SHA-256 digest is 64 hex digits, not "
          + hex.length() + " characters");
    }
    return of(HEX.parseHex(hex));
  }

  /** A fresh SHA-256 {@link MessageDigest} (every JDK has one). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /**
   * Adds the readable bytes of {@code buf} to {@code md} without moving its indices or copying
   * them onto the heap first (the same buffer is then sent or stored as it is).
   */
  public static void update(MessageDigest md, ByteBuf buf) {
    int n = buf.readableBytes();
    if (n == 0) {
      return;
    }
    if (buf.nioBufferCount() == 1) {
      md.update(buf.nioBuffer(buf.readerIndex(), n));
    } else {
      for (ByteBuffer b : buf.nioBuffers(buf.readerIndex(), n)) {
        md.update(b);
      }
    }
  }

  @Override
  public String toString() {
    return isNone() ? "none" : hex();
  }

  private static long longAt(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }
}
