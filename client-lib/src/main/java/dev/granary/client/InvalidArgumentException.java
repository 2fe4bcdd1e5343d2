package dev.granary.client;

/**
 * The request is not valid for the namespace as it is: a bad argument, a non-empty directory
 * deleted without recursion, a path component that is not a directory, a directory where a file is
 * needed, or a value above a limit. {@link #kind()} says which; the message names the path.
 */
public class InvalidArgumentException extends GranaryException {
  private static final long serialVersionUID = 1L;

  /** Which rule the request broke. */
  public enum Kind {
    INVALID, NOT_EMPTY, NOT_A_DIRECTORY, IS_A_DIRECTORY, TOO_LARGE
  }

  private final Kind kind;

  public InvalidArgumentException(String message) {
    this(Kind.INVALID, message, null);
  }

  public InvalidArgumentException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
