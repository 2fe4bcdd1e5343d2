package dev.granary.client;

/**
 * A failed Granary operation. Each subclass is one kind of failure a program can react to by type
 * ({@link NotFoundException}, {@link AlreadyExistsException}, {@link DeniedException},
 * {@link IntegrityException}, {@link UnavailableException}, {@link InvalidArgumentException},
 * {@link InternalException}). The message is one line naming the path or thing and the problem,
 * e.g. {@code /a/b: no such file or directory}. What a failure means to a process (the CLI's exit
 * codes, the REST API's HTTP statuses) is decided by that program, not by this library.
 */
public abstract class GranaryException extends Exception {
  private static final long serialVersionUID = 1L;

  protected GranaryException(String message, Throwable cause) {
    super(message, cause);
  }
}
