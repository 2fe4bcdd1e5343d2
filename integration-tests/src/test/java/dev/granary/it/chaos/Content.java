package dev.granary.it.chaos;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bytes of every version a chaos run may write, derived from (run seed, version), so any read
 * can be checked against every value ever written without keeping them. A non-empty value starts
 * with a 16-byte header (version, then a tag mixing the version with the run's seed), so the
 * version a read returned can be told from its bytes alone; the rest is pseudo-random. Sizes range
 * from empty to several chunks, some exactly on a chunk boundary.
 */
final class Content {
  /** The value a read saw when it found nothing intelligible. */
  static final long UNKNOWN = -3;
  /** The value of an empty file: which version it was cannot be told from zero bytes. */
  static final long EMPTY = -4;
  static final int HEADER = 16;
  private static final long TAG = 0x4752414e41525921L;

  private final long seed;
  private final int chunkSize;

  Content(long seed, int chunkSize) {
    this.seed = seed;
    this.chunkSize = chunkSize;
  }

  /** The size of version {@code v}: 0, or at least {@link #HEADER} bytes. */
  int size(long v) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + v);
    int kind = r.nextInt(100);
    if (kind < 8) {
      return 0;
    } else if (kind < 38) {
      return HEADER + r.nextInt(64 * 1024);
    } else if (kind < 70) {
      return HEADER + r.nextInt(chunkSize);
    } else if (kind < 78) {
      return chunkSize * (1 + r.nextInt(2)); // exactly on a chunk boundary
    } else {
      return chunkSize + r.nextInt(2 * chunkSize);
    }
  }

  /** The bytes of version {@code v}. */
  byte[] bytes(long v) {
    int n = size(v);
    byte[] b = new byte[n];
    if (n == 0) {
      return b;
    }
    new SplittableRandom(seed ^ (v * 0xBF58476D1CE4E5B9L)).nextBytes(b);
    ByteBuffer.wrap(b).putLong(v).putLong(tag(v));
    return b;
  }

  private long tag(long v) {
    return TAG ^ seed ^ Long.rotateLeft(v, 17);
  }

  /**
   * The version whose exact bytes {@code b} are: {@link #EMPTY} for no bytes, {@link #UNKNOWN} when
   * they are not exactly the bytes of any version (a torn, corrupt or foreign value).
   */
  long versionOf(byte[] b) {
    if (b.length == 0) {
      return EMPTY;
    }
    if (b.length < HEADER) {
      return UNKNOWN;
    }
    ByteBuffer h = ByteBuffer.wrap(b);
    long v = h.getLong();
    if (v < 0 || h.getLong() != tag(v) || size(v) != b.length) {
      return UNKNOWN;
    }
    return Arrays.equals(b, bytes(v)) ? v : UNKNOWN;
  }
}
