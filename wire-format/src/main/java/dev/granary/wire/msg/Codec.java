package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.ProtocolException;
import dev.granary.wire.Sha256;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Field codecs shared by every message. Readers check the bytes actually present before they read or
 * allocate, so a length or count field can never make a decoder allocate more than the frame holds.
 */
public final class Codec {
  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(
      () -> StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT));

  private Codec() {}

  static void need(ByteBuf in, int bytes, String what) {
    if (in.readableBytes() < bytes) {
      throw new ProtocolException("truncated payload reading " + what + ": need " + bytes
          + " bytes, have " + in.readableBytes());
    }
  }

  public static void writeString(ByteBuf out, String s) {
    int start = out.writerIndex();
    out.writeShort(0);
    int n = out.writeCharSequence(s, StandardCharsets.UTF_8);
    if (n > Limits.MAX_STRING_BYTES) {
      out.writerIndex(start);
      throw new IllegalArgumentException("string of " + n + " UTF-8 bytes exceeds the limit of "
          + Limits.MAX_STRING_BYTES);
    }
    out.setShort(start, n);
  }

  public static String readString(ByteBuf in) {
    need(in, 2, "string length");
    int n = in.readUnsignedShort();
    if (n > Limits.MAX_STRING_BYTES) {
      throw new ProtocolException("string of " + n + " bytes exceeds the limit of "
          + Limits.MAX_STRING_BYTES);
    }
    need(in, n, "string");
    if (n == 0) {
      return "";
    }
    ByteBuffer bytes = in.nioBuffer(in.readerIndex(), n);
    in.skipBytes(n);
    try {
      CharBuffer chars = UTF8.get().reset().decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException("string is not valid UTF-8");
    }
  }

  public static void writeBoolean(ByteBuf out, boolean b) {
    out.writeByte(b ? 1 : 0);
  }

  public static boolean readBoolean(ByteBuf in) {
    need(in, 1, "boolean");
    int b = in.readUnsignedByte();
    if (b > 1) {
      throw new ProtocolException("boolean field holds " + b + ", expected 0 or 1");
    }
    return b == 1;
  }

  public static int readInt(ByteBuf in) {
    need(in, 4, "int");
    return in.readInt();
  }

  public static long readLong(ByteBuf in) {
    need(in, 8, "long");
    return in.readLong();
  }

  /** Reads an int that must lie in {@code [min, max]}. */
  public static int readInt(ByteBuf in, int min, int max, String what) {
    int v = readInt(in);
    if (v < min || v > max) {
      throw new ProtocolException(what + " " + v + " out of range [" + min + ", " + max + "]");
    }
    return v;
  }

  /** Reads a long that must be {@code >= 0}. */
  public static long readNonNegativeLong(ByteBuf in, String what) {
    long v = readLong(in);
    if (v < 0) {
      throw new ProtocolException(what + " " + v + " is negative");
    }
    return v;
  }

  /** Reads a long that must be {@code >= 1}. */
  public static long readPositiveLong(ByteBuf in, String what) {
    long v = readLong(in);
    if (v < 1) {
      throw new ProtocolException(what + " " + v + " is below 1");
    }
    return v;
  }

  public static int readUnsignedByte(ByteBuf in) {
    need(in, 1, "byte");
    return in.readUnsignedByte();
  }

  public static int readUnsignedShort(ByteBuf in) {
    need(in, 2, "short");
    return in.readUnsignedShort();
  }

  /** A {@link Sha256} as its 32 bytes (four {@code i64}, big-endian). */
  public static void writeSha256(ByteBuf out, Sha256 s) {
    out.writeLong(s.a()).writeLong(s.b()).writeLong(s.c()).writeLong(s.d());
  }

  public static Sha256 readSha256(ByteBuf in) {
    need(in, Sha256.BYTES, "SHA-256");
    return new Sha256(in.readLong(), in.readLong(), in.readLong(), in.readLong());
  }

  public static <T> void writeList(ByteBuf out, List<T> list, BiConsumer<ByteBuf, T> writer) {
    out.writeInt(list.size());
    for (T t : list) {
      writer.accept(out, t);
    }
  }

  /**
   * Reads a count then that many elements. {@code minElementBytes} is the smallest encoding of one
   * element; a count the remaining bytes cannot hold is rejected before anything is allocated.
   */
  public static <T> List<T> readList(ByteBuf in, int minElementBytes, Function<ByteBuf, T> reader) {
    int n = readInt(in);
    if (n < 0 || (long) n * Math.max(1, minElementBytes) > in.readableBytes()) {
      throw new ProtocolException("list count " + n + " does not fit in the " + in.readableBytes()
          + " remaining payload bytes");
    }
    if (n == 0) {
      return List.of();
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(reader.apply(in));
    }
    return Collections.unmodifiableList(out);
  }

  /** {@link #readList} of at most {@code maxCount} elements: a larger count is an error. */
  public static <T> List<T> readList(ByteBuf in, int minElementBytes, int maxCount, String what,
      Function<ByteBuf, T> reader) {
    need(in, 4, what + " count");
    int n = in.getInt(in.readerIndex());
    if (n > maxCount) {
      throw new ProtocolException(what + " count " + n + " exceeds the limit of " + maxCount);
    }
    return readList(in, minElementBytes, reader);
  }

  /** Writes an enum constant as its ordinal in one byte. */
  public static void writeEnum(ByteBuf out, Enum<?> e) {
    out.writeByte(e.ordinal());
  }

  /** Reads a one-byte ordinal of {@code values}; one past the last constant is an error. */
  public static <E extends Enum<E>> E readEnum(ByteBuf in, E[] values, String what) {
    int ordinal = readUnsignedByte(in);
    if (ordinal >= values.length) {
      throw new ProtocolException("unknown " + what + " " + ordinal + ", expected 0.."
          + (values.length - 1));
    }
    return values[ordinal];
  }

  public static void writeStrings(ByteBuf out, List<String> list) {
    writeList(out, list, Codec::writeString);
  }

  public static List<String> readStrings(ByteBuf in) {
    return readList(in, 2, Codec::readString);
  }

  public static void writeLongs(ByteBuf out, List<Long> list) {
    writeList(out, list, ByteBuf::writeLong);
  }

  public static List<Long> readLongs(ByteBuf in) {
    return readList(in, 8, Codec::readLong);
  }
}
