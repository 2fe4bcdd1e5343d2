package dev.granary.cli;

/** Byte counts for people: one decimal and a binary unit ({@code 81.3 GiB}). */
final class Human {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private Human() {}

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, UNITS[u]);
  }
}
