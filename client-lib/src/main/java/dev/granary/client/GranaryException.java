package dev.granary.client;

/**
 * A failed Granary operation. Every subclass maps onto one exit code of the command-line contract
 * ({@link #exitCode()}), so a program can report any failure uniformly. The message is one line
 * naming the path or thing and the problem, e.g. {@code /a/b: no such file or directory}.
 */
public abstract class GranaryException extends Exception {
  private static final long serialVersionUID = 1L;

  protected GranaryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The process exit code of the contract this failure maps onto (1..7). */
  public abstract int exitCode();
}
