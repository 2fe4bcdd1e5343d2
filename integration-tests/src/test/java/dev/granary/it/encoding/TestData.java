package dev.granary.it.encoding;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Deterministic file contents for the encoding tests: random, text-like, a mix, a marker. */
final class TestData {
  /** 16 bytes whose presence on a disk means plaintext leaked. */
  static final byte[] MARKER = "GRANARY-MARKER!!".getBytes(StandardCharsets.US_ASCII);

  private static final String[] WORDS = {"chunk", "replica", "master", "lease", "the", "of",
      "a", "block", "checksum", "pipeline", "granary", "file", "system", "write", "read", "and",
      "version", "heartbeat", "placement", "rack", "journal", "snapshot", "to", "is", "in",
      "garbage", "collection", "mutation", "record", "append", "primary", "secondary", "client"};

  private TestData() {}

  /** {@code n} random (incompressible) bytes from {@code seed}. */
  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /**
   * {@code n} bytes of text-like ASCII from {@code seed}: words of a small vocabulary in random
   * order, with punctuation, numbers and line breaks, as logs and prose compress.
   */
  static byte[] text(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder(n + 32);
    int line = 0;
    while (sb.length() < n) {
      sb.append(WORDS[r.nextInt(WORDS.length)]);
      int p = r.nextInt(20);
      if (p == 0) {
        sb.append(", ").append(r.nextInt(100_000));
      } else if (p == 1) {
        sb.append('.');
      }
      if (++line % 12 == 0) {
        sb.append('\n');
      } else {
        sb.append(' ');
      }
    }
    byte[] all = sb.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[n];
    System.arraycopy(all, 0, out, 0, n);
    return out;
  }

  /**
   * {@code n} bytes alternating text-like and random runs of 40 KiB, so that runs straddle 64 KiB
   * blocks: some blocks compress, some are stored raw, some in between.
   */
  static byte[] mixed(int n, long seed) {
    byte[] out = new byte[n];
    byte[] txt = text(Math.min(n, 40 * 1024), seed);
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int run = 40 * 1024;
    for (int at = 0, i = 0; at < n; at += run, i++) {
      int len = Math.min(run, n - at);
      if (i % 2 == 0) {
        System.arraycopy(txt, 0, out, at, len);
      } else {
        byte[] rnd = new byte[len];
        r.nextBytes(rnd);
        System.arraycopy(rnd, 0, out, at, len);
      }
    }
    return out;
  }

  /** {@link #MARKER} repeated to {@code n} bytes. */
  static byte[] marker(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = MARKER[i % MARKER.length];
    }
    return out;
  }

  /**
   * The first offset in {@code bytes} where 16 consecutive bytes equal a 16-byte window of
   * {@link #marker} content (any rotation of the marker), or -1. One linear pass per phase of the
   * marker: a window at offset {@code i} matches rotation {@code r} iff every byte {@code q} of it
   * equals {@code MARKER[(q + p) % 16]} with phase {@code p = (r - i) mod 16}.
   */
  static long findMarkerWindow(byte[] bytes) {
    int m = MARKER.length;
    for (int p = 0; p < m; p++) {
      int run = 0;
      for (int q = 0; q < bytes.length; q++) {
        if (bytes[q] == MARKER[(q + p) % m]) {
          if (++run >= m) {
            return q - m + 1;
          }
        } else {
          run = 0;
        }
      }
    }
    return -1;
  }
}
