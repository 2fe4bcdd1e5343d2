package dev.granary.wire;

/**
 * How a file's logical 64 KiB blocks are compressed by the client before they are stored (issue
 * 20). The id travels on the wire and in each stored record; the name is what users type
 * ({@code put --compress lz4}) and what {@code stat --json} shows.
 */
public enum Compression {
  NONE(0, "none"),
  LZ4(1, "lz4"),
  ZSTD(2, "zstd");

  private final int id;
  private final String label;

  Compression(int id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The number stored on the wire, in policies and in records. */
  public int id() {
    return id;
  }

  /** The lower-case name: none, lz4, zstd. */
  public String label() {
    return label;
  }

  /** The compression with {@code id}, or null if there is none. */
  public static Compression ofId(int id) {
    for (Compression c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    return null;
  }

  /**
   * The compression named {@code name} (none, lz4, zstd; case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  public static Compression ofLabel(String name) {
    for (Compression c : values()) {
      if (c.label.equalsIgnoreCase(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown compression " + PathLimits.quote(name)
        + ", expected none, lz4 or zstd");
  }
}
