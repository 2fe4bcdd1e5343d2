package dev.granary.cli;

/** A failure the CLI itself detects, with the exit code it maps onto. */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
