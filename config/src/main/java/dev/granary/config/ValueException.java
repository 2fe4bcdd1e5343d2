package dev.granary.config;

/**
 * A value that could not be parsed or is out of range. {@link #reason()} says what was wrong and
 * what was expected, without naming the value's source, so that the loader can prefix the flag,
 * file key or environment variable it came from.
 */
final class ValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  /** A bare reason, used where the caller adds the context. */
  ValueException(String reason) {
    super(reason);
    this.reason = reason;
  }

  /** A self-contained message {@code invalid <what> "<text>": <reason>}, for public parsers. */
  ValueException(String what, String text, String reason) {
    super("invalid " + what + " " + Messages.quote(text) + ": " + reason);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
