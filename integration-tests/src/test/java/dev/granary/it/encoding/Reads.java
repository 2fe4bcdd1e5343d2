package dev.granary.it.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.TransferListener;
import dev.granary.client.UncheckedGranaryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reading a file back every way the client offers ({@code get}, {@code open}, {@code openChannel})
 * and checking the bytes, and checking that a read fails with the right typed exception however
 * the API wraps it (directly, or as the cause of a {@link GranaryIOException}).
 */
final class Reads {
  static final int BLOCK = 64 * 1024;

  private Reads() {}

  /** Something that reads and may fail. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /** The whole file through {@link GranaryClient#open}. */
  static byte[] stream(GranaryClient c, String path) throws IOException, GranaryException {
    try (InputStream in = c.open(path)) {
      return in.readAllBytes();
    }
  }

  /** The whole file through {@link GranaryClient#get} into a new file under {@code dir}. */
  static byte[] get(GranaryClient c, String path, Path dir) throws IOException, GranaryException {
    Path local = Files.createTempFile(dir, "get-", ".bin");
    Files.delete(local);
    c.get(path, local, false, TransferListener.NONE);
    try {
      return Files.readAllBytes(local);
    } finally {
      Files.deleteIfExists(local);
    }
  }

  /**
   * Up to {@code len} bytes at {@code pos} through an open channel, looping over short reads;
   * fewer only at the end of the file.
   */
  static byte[] at(SeekableByteChannel ch, long pos, int len) throws IOException {
    ch.position(pos);
    ByteBuffer buf = ByteBuffer.allocate(len);
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        break;
      }
    }
    return Arrays.copyOf(buf.array(), buf.position());
  }

  /**
   * Reads {@code path} through {@code get}, {@code open} and {@code openChannel} and asserts each
   * gives {@code expected}. The channel reads at every block and chunk boundary (before, on and
   * after it), spans each boundary, and walks the file backwards in unaligned steps.
   */
  static void assertReadsBack(GranaryClient c, String path, byte[] expected, long chunkSize,
      Path tmp) throws Exception {
    String what = path + " (" + expected.length + " bytes)";
    assertArrayEquals(expected, get(c, path, tmp), "get of " + what);
    assertArrayEquals(expected, stream(c, path), "open of " + what);
    int n = expected.length;
    // (position, length) pairs: on, before and after every block and chunk boundary, and reads
    // spanning a boundary (two bytes across it, a whole block across it, a chunk across it).
    List<long[]> reads = new ArrayList<>();
    for (long b = 0; b <= n; b += BLOCK) {
      reads.add(new long[] {b, 1});
      reads.add(new long[] {b + 1, 100});
      reads.add(new long[] {b - 1, 2});
      reads.add(new long[] {b - 10, BLOCK + 20});
    }
    for (long b = chunkSize; b <= n; b += chunkSize) {
      reads.add(new long[] {b - 3, 10});
      reads.add(new long[] {b - BLOCK / 2, chunkSize});
    }
    reads.add(new long[] {n - 1L, 1});
    try (SeekableByteChannel ch = c.openChannel(path)) {
      assertEquals(n, ch.size(), "channel size of " + what);
      for (long[] r : reads) {
        if (r[0] >= 0 && r[0] < n) {
          assertSlice(expected, r[0], (int) r[1], at(ch, r[0], (int) r[1]), what);
        }
      }
      // Backwards, in steps that are no multiple of a block, so reads land everywhere in them.
      int step = 50_000;
      for (long p = Math.max(0, n - step); ; p = Math.max(0, p - step)) {
        assertSlice(expected, p, step, at(ch, p, step), what + " backwards");
        if (p == 0) {
          break;
        }
      }
      ch.position(n);
      assertEquals(-1, ch.read(ByteBuffer.allocate(1)), "read at the end of " + what);
    }
  }

  /** Asserts {@code got}, read for {@code len} bytes at {@code pos}, is that slice of the file. */
  private static void assertSlice(byte[] expected, long pos, int len, byte[] got, String what) {
    int end = (int) Math.min(expected.length, pos + len);
    assertArrayEquals(Arrays.copyOfRange(expected, (int) pos, end), got,
        "bytes read at " + pos + " for " + len + " of " + what);
  }

  /**
   * Runs {@code action} and asserts it fails with {@code type}, thrown directly or carried by a
   * {@link GranaryIOException} or {@link UncheckedGranaryException}; returns it.
   */
  static <T extends GranaryException> T assertFailsWith(Class<T> type, String what,
      Action action) {
    try {
      action.run();
    } catch (Exception e) {
      Throwable t = e;
      while (t != null && !type.isInstance(t)) {
        if (t instanceof GranaryIOException || t instanceof UncheckedGranaryException) {
          t = t.getCause();
        } else {
          t = null;
        }
      }
      if (t == null) {
        throw new AssertionError(what + ": expected " + type.getSimpleName() + ", got " + e, e);
      }
      return type.cast(t);
    }
    throw new AssertionError(what + ": expected " + type.getSimpleName() + ", but it succeeded");
  }

  /**
   * Reads {@code path} through {@code open} until it fails, asserting it fails with {@code type}
   * and that every byte it returned before failing was right (a prefix of {@code expected}).
   */
  static <T extends GranaryException> T assertStreamFails(GranaryClient c, String path,
      byte[] expected, Class<T> type) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    T e = assertFailsWith(type, "open of " + path, () -> {
      try (InputStream in = c.open(path)) {
        byte[] buf = new byte[8192];
        for (int r; (r = in.read(buf)) >= 0; ) {
          got.write(buf, 0, r);
        }
      }
    });
    byte[] prefix = got.toByteArray();
    assertFalse(prefix.length > expected.length, "more bytes than the file has");
    assertArrayEquals(Arrays.copyOf(expected, prefix.length), prefix,
        "the bytes open returned before failing");
    return e;
  }

  /**
   * Asserts {@code get} of {@code path} fails with {@code type} and leaves no local file behind.
   */
  static <T extends GranaryException> T assertGetFails(GranaryClient c, String path, Path dir,
      Class<T> type) throws IOException {
    Path local = dir.resolve("failed-get-" + System.nanoTime());
    T e = assertFailsWith(type, "get of " + path,
        () -> c.get(path, local, false, TransferListener.NONE));
    assertFalse(Files.exists(local), "get left " + local + " behind");
    return e;
  }
}
