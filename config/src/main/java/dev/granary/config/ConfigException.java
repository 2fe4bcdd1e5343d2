package dev.granary.config;

/**
 * A configuration problem: a bad value, an unknown key, an unreadable or malformed config file.
 *
 * <p>{@link #getMessage()} is exactly the one line to show the operator (it never contains a line
 * break) and names the key or file, the bad value and what was expected. The command-line program
 * maps this exception to exit code 2.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the given message; any line breaks in it are folded into spaces.
   *
   * @param message the one-line message to show the operator
   */
  public ConfigException(String message) {
    super(Messages.oneLine(message));
  }

  /**
   * Creates an exception with the given message and the lower-level cause (kept for verbose
   * output only; the message alone must explain the problem).
   *
   * @param message the one-line message to show the operator
   * @param cause the underlying failure
   */
  public ConfigException(String message, Throwable cause) {
    super(Messages.oneLine(message), cause);
  }
}
