package dev.granary.wire;

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
  public static final int VERSION = 1;
  /** Bytes of the fixed frame header. */
  public static final int HEADER_LENGTH = 20;
  /** Set on every frame sent in answer to a request (same request id). */
  public static final int FLAG_RESPONSE = 0x01;
  /** Flags a receiver must understand; any other bit set is a protocol error. */
  public static final int KNOWN_FLAGS = FLAG_RESPONSE;

  private Frames() {}
}
