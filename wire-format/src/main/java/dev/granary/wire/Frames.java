package dev.granary.wire;

import io.netty.buffer.ByteBuf;

/**
 * Constants of the frame layout shared by every Granary connection. See {@code wire-format/PROTOCOL.md}.
 *
 * <pre>
 *  0      4       5     6      8            16        20
 *  | magic | version | flags | type | requestId | length | payload ...
 * </pre>
 *
 * The first five bytes (magic and version) are frozen across protocol versions so that any peer can
 * recognise a version mismatch and answer it with an {@code ERROR} frame instead of garbage.
 */
public final class Frames {
  /** "GRNY" in ASCII. */
  public static final int MAGIC = 0x47524E59;
  /** The protocol version this build speaks. */
  public static final int VERSION = 3;
  /** Bytes of the fixed frame header. */
  public static final int HEADER_LENGTH = 20;
  /** Set on every frame sent in answer to a request (same request id). */
  public static final int FLAG_RESPONSE = 0x01;
  /** Flags a receiver must understand; any other bit set is a protocol error. */
  public static final int KNOWN_FLAGS = FLAG_RESPONSE;

  private Frames() {}

  /** A checked frame header: the payload that follows has {@code length} bytes. */
  public record Header(int flags, MessageType type, long requestId, int length) {}

  /**
   * Checks the {@link #HEADER_LENGTH} bytes at {@code index} of {@code in} field by field (magic,
   * version, flags, a known type, a length within the type's limit) without moving any index.
   *
   * @throws VersionMismatchException the peer speaks another protocol version
   * @throws ProtocolException any other bad field
   */
  public static Header header(ByteBuf in, int index) {
    int magic = in.getInt(index);
    if (magic != MAGIC) {
      throw new ProtocolException(badMagic(magic));
    }
    int version = in.getUnsignedByte(index + 4);
    if (version != VERSION) {
      throw new VersionMismatchException(version);
    }
    int flags = in.getUnsignedByte(index + 5);
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new ProtocolException("unknown frame flags 0x" + Integer.toHexString(flags));
    }
    int code = in.getUnsignedShort(index + 6);
    MessageType type = MessageType.forCode(code);
    if (type == null) {
      throw new ProtocolException("unknown message type " + code);
    }
    long length = in.getUnsignedInt(index + 16);
    if (length > type.maxPayload()) {
      throw new ProtocolException("frame of type " + type + " announces " + length
          + " payload bytes; the limit is " + type.maxPayload());
    }
    return new Header(flags, type, in.getLong(index + 8), (int) length);
  }

  /**
   * Decodes the payload of a frame with header {@code h}; the payload must be consumed exactly.
   * Bulk bytes of the message (a packet's data) are retained slices of {@code payload}.
   *
   * @throws ProtocolException the payload does not parse
   */
  public static Frame decode(Header h, ByteBuf payload) {
    try {
      return new Frame(h.requestId(), h.flags(), h.type().decode(payload));
    } catch (ProtocolException e) {
      throw e;
    } catch (RuntimeException e) {
      // A decoder must only throw ProtocolException; anything else is still the peer's bad input.
      throw new ProtocolException(h.type() + " payload does not parse: " + e);
    }
  }

  static String badMagic(int magic) {
    return "bad magic 0x" + String.format("%08x", magic) + " (expected 0x"
        + String.format("%08x", MAGIC) + "): not a Granary peer";
  }
}
