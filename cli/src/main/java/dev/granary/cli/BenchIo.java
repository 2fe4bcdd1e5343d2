package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The file I/O every bench workload does, single-threaded or concurrent: write a file from an
 * in-memory buffer, read one back, check what came back. Stateless; safe from any thread as long
 * as no two threads read into the same buffer.
 */
final class BenchIo {
  /** The size of the small files (the HDFS peer harness's {@code smallSize}). */
  static final int SMALL_FILE = 4096;
  /** The size of every write and read call (the HDFS peer harness's {@code bufSize}). */
  static final int IO_BUFFER = 1 << 20;
  /** {@code bench --data}: pseudo-random bytes (incompressible), the default. */
  static final String RANDOM = "random";
  /** {@code bench --data}: the text-like corpus of {@link #textBytes}. */
  static final String TEXT = "text";

  /**
   * The words of {@link #textBytes}: English and log-like tokens, so the corpus compresses about as
   * text and logs do (neither as well as a repeated string nor as badly as random bytes).
   */
  private static final String[] WORDS = {"the", "of", "and", "to", "in", "a", "is", "that",
      "for", "it", "as", "was", "with", "be", "by", "on", "not", "he", "this", "are", "or", "his",
      "from", "at", "which", "but", "have", "an", "had", "they", "you", "were", "their", "one",
      "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would",
      "who", "so", "no", "chunk", "replica", "master", "server", "client", "request", "error",
      "timeout", "write", "read", "file", "directory", "lease", "version", "checksum", "block",
      "pipeline", "journal", "snapshot", "policy", "cluster", "INFO", "WARN", "DEBUG", "ERROR",
      "granary", "storage", "network", "latency", "bytes", "records", "offset", "handle"};

  private BenchIo() {}

  /**
   * {@code n} bytes of text-like data from {@code seed}, the same on every run: numbered lines of
   * 5 to 16 words of a fixed vocabulary drawn by a seeded {@link Random}, with a number in about
   * one word in six. What {@code bench --data text} writes, to measure compression.
   */
  static byte[] textBytes(int n, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(n + 256);
    for (long line = 1; sb.length() < n; line++) {
      sb.append(line).append(' ');
      int words = 5 + r.nextInt(12);
      for (int w = 0; w < words; w++) {
        if (r.nextInt(6) == 0) {
          sb.append(r.nextInt(100_000));
        } else {
          sb.append(WORDS[r.nextInt(WORDS.length)]);
        }
        sb.append(w + 1 < words ? ' ' : '\n');
      }
    }
    byte[] b = new byte[n];
    System.arraycopy(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, b, 0, n);
    return b;
  }

  /** {@code n} bytes of {@code data} ("random" or "text") from {@code seed}. */
  static byte[] bytes(String data, int n, long seed) {
    return data.equals(TEXT) ? textBytes(n, seed) : randomBytes(n, seed);
  }

  /** {@code n} pseudo-random bytes from {@code seed}, the same on every run. */
  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** Writes a new file of {@code bytes} bytes, {@code buffer} repeated; returns once closed. */
  static void write(GranaryClient c, String path, long bytes, WriteOptions opts, byte[] buffer)
      throws GranaryException, IOException {
    try (OutputStream out = c.create(path, opts)) {
      long left = bytes;
      while (left > 0) {
        int n = (int) Math.min(buffer.length, left);
        out.write(buffer, 0, n);
        left -= n;
      }
    }
  }

  /** Reads a whole file through {@code buffer} (its content is overwritten); returns its length. */
  static long read(GranaryClient c, String path, byte[] buffer)
      throws GranaryException, IOException {
    long total = 0;
    try (InputStream in = c.open(path)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
    }
    return total;
  }

  /**
   * Reads a file's first {@code into.length} bytes into {@code into}; returns the file's whole
   * length (bytes beyond {@code into.length} are counted, not kept).
   */
  static long readInto(GranaryClient c, String path, byte[] into)
      throws GranaryException, IOException {
    try (InputStream in = c.open(path)) {
      long total = in.readNBytes(into, 0, into.length);
      if (total == into.length && in.read() >= 0) {
        total += 1 + in.transferTo(OutputStream.nullOutputStream());
      }
      return total;
    }
  }

  static void checkLength(String path, long got, long expected) throws CliException {
    if (got != expected) {
      throw new CliException(Failures.INTEGRITY, path + ": read " + got + " bytes, wrote "
          + expected);
    }
  }

  /** Starts a write run without a dirty-page backlog from the previous one (untimed). */
  static void syncDisks() throws InterruptedException {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (IOException e) {
      // No sync(1) on this system: runs then start with whatever the kernel has not written yet.
    }
  }
}
