package dev.granary.cli;

import dev.granary.client.TransferListener;
import java.io.PrintStream;

/**
 * A one-line progress bar (bytes, rate, ETA) on stderr for long transfers on a terminal; silent
 * when stderr is not a terminal. Redrawn at most ten times a second. Written here rather than
 * pulled in as a library: forty lines cover what we need without a terminal library's weight.
 */
final class ProgressBar implements TransferListener {
  private static final long REDRAW_NANOS = 100_000_000L;
  private final PrintStream out;
  private final String label;
  private long total = -1;
  private long startNanos;
  private long lastDraw;
  private boolean drawn;

  private ProgressBar(PrintStream out, String label) {
    this.out = out;
    this.label = label;
  }

  /** A progress bar if stdin/stdout are a terminal, else a listener that does nothing. */
  static TransferListener forTerminal(String label) {
    return System.console() != null ? new ProgressBar(System.err, label) : TransferListener.NONE;
  }

  @Override
  public synchronized void onStart(long totalBytes) {
    total = totalBytes;
    startNanos = System.nanoTime();
  }

  @Override
  public synchronized void onProgress(long done) {
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    draw(done, now);
  }

  @Override
  public synchronized void onDone() {
    if (drawn) {
      out.print('\n');
      out.flush();
    }
  }

  private void draw(long done, long now) {
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    double rate = done / seconds;
    StringBuilder line = new StringBuilder("\r").append(label).append(' ');
    if (total > 0) {
      int width = 30;
      int filled = (int) Math.min(width, width * done / total);
      line.append('[').append("=".repeat(filled)).append(" ".repeat(width - filled)).append("] ")
          .append(String.format("%3d%% ", 100 * done / total));
    }
    line.append(Human.bytes(done));
    if (total > 0) {
      line.append('/').append(Human.bytes(total));
    }
    line.append(' ').append(Human.bytes((long) rate)).append("/s");
    if (total > 0 && rate > 0) {
      long eta = (long) ((total - done) / rate);
      line.append(String.format(" ETA %d:%02d", eta / 60, eta % 60));
    }
    line.append("   ");
    out.print(line);
    out.flush();
    drawn = true;
  }

  @Override
  public String toString() {
    return "ProgressBar[" + label + ", total=" + Human.bytes(Math.max(0, total)) + "]";
  }
}
