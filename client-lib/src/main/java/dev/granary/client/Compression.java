package dev.granary.client;

/**
 * How a client compresses each 64 KiB block of a file it writes ({@link WriteOptions#compression}):
 * {@link #LZ4} is fast, {@link #ZSTD} dense; a block that does not shrink is stored raw.
 */
public enum Compression {
  NONE("none"),
  LZ4("lz4"),
  ZSTD("zstd");

  private final String label;

  Compression(String label) {
    this.label = label;
  }

  /** The name users type and {@code stat} shows: none, lz4, zstd. */
  public String label() {
    return label;
  }

  /**
   * The compression named {@code name} (none, lz4 or zstd; case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  public static Compression of(String name) {
    for (Compression c : values()) {
      if (c.label.equalsIgnoreCase(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown compression '" + name
        + "', expected none, lz4 or zstd");
  }
}
