package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The contents of a large test file as the seeds of its 1 MiB pieces, so hundreds of MiB can be
 * written to a local file, changed a region at a time, and compared with what a cluster reads
 * back, a MiB at a time: no file is ever held in the heap. Immutable; {@link #changed} makes the
 * next contents.
 */
record PieceContent(long[] seeds) {
  static final int PIECE = 1 << 20;

  /** {@code pieces} MiB of bytes determined by {@code seed}. */
  static PieceContent of(long seed, int pieces) {
    long[] s = new long[pieces];
    for (int i = 0; i < pieces; i++) {
      s[i] = seed * 1_000_003L + i;
    }
    return new PieceContent(s);
  }

  long size() {
    return (long) seeds.length * PIECE;
  }

  /** These contents with piece {@code piece} (a 1 MiB region) holding other bytes. */
  PieceContent changed(int piece, long seed) {
    long[] s = seeds.clone();
    s[piece] = seed;
    return new PieceContent(s);
  }

  byte[] piece(int i) {
    byte[] b = new byte[PIECE];
    new SplittableRandom(seeds[i]).nextBytes(b);
    return b;
  }

  /** Writes every piece of these contents into {@code file}, replacing what it held. */
  void writeTo(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int i = 0; i < seeds.length; i++) {
        write(ch, i);
      }
    }
  }

  /** Rewrites piece {@code i} of {@code file} in place (the file holds the other pieces). */
  void writePiece(Path file, int i) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      write(ch, i);
    }
  }

  private void write(FileChannel ch, int i) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(piece(i));
    long at = (long) i * PIECE;
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  /**
   * Asserts {@code in} (closed here) holds exactly these contents, naming the first MiB that
   * differs.
   */
  void assertRead(InputStream in, String what) throws IOException {
    try (in) {
      for (int i = 0; i < seeds.length; i++) {
        byte[] got = in.readNBytes(PIECE);
        if (!Arrays.equals(piece(i), got)) {
          throw new AssertionError(what + ": bytes differ in MiB " + i + " (offset "
              + (long) i * PIECE + ", " + got.length + " bytes read there)");
        }
      }
      assertEquals(-1, in.read(), () -> what + ": longer than " + seeds.length + " MiB");
    }
  }
}
