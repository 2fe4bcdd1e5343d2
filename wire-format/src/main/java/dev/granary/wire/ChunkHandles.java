package dev.granary.wire;

import java.util.HexFormat;

/**
 * The textual form of a 64-bit chunk handle: 16 lowercase hex digits. The same string appears in
 * {@code stat --json}, in logs and in the chunkserver's replica file names, so an operator can find
 * a chunk's files on disk with the handle a client shows.
 */
public final class ChunkHandles {
  private static final HexFormat HEX = HexFormat.of();

  private ChunkHandles() {}

  public static String format(long handle) {
    // Not String.format("%016x"): a width makes java.util.Formatter parse the pattern with a regex,
    // and this runs for every replica written or read (file names, logs, journal records).
    return HEX.toHexDigits(handle);
  }

  /** @throws IllegalArgumentException if {@code s} is not 16 hex digits */
  public static long parse(String s) {
    // Checked by hand: Long.parseUnsignedLong would also take a leading '+'.
    if (s.length() != 16 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
      throw new IllegalArgumentException("chunk handle '" + s + "': expected 16 hex digits");
    }
    return Long.parseUnsignedLong(s, 16);
  }
}
