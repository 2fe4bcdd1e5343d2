package dev.granary.wire.security;

/** What a {@link ChunkToken} allows on its chunk; a token carries a bit set of these. */
public enum ChunkAccess {
  /** Read the replica (READ_CHUNK_REQUEST). */
  READ(1),
  /** Write a new replica through a client's pipeline (WRITE_CHUNK_REQUEST). */
  WRITE(2),
  /** Receive a replica copied by another chunkserver for re-replication (WRITE_CHUNK_REQUEST). */
  COPY(4);

  /** Every bit a token may carry; any other bit is a protocol error. */
  public static final int ALL_BITS = 7;

  private final int bit;

  ChunkAccess(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  /** The bit set of {@code modes}. */
  public static int bits(ChunkAccess... modes) {
    int b = 0;
    for (ChunkAccess m : modes) {
      b |= m.bit;
    }
    return b;
  }

  /** {@code bits} as text, e.g. {@code READ|COPY}, or {@code none}. */
  public static String describe(int bits) {
    StringBuilder s = new StringBuilder();
    for (ChunkAccess m : values()) {
      if ((bits & m.bit) != 0) {
        s.append(s.length() == 0 ? "" : "|").append(m.name());
      }
    }
    return s.length() == 0 ? "none" : s.toString();
  }
}
