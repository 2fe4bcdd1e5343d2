package dev.granary.client;

/**
 * A {@link GranaryException} thrown where only an unchecked exception can be: by a
 * {@link DirectoryListing}'s {@code hasNext()} or {@code next()} when fetching the next page fails.
 * {@link #getCause()} is the typed failure; the message is its message.
 */
public final class UncheckedGranaryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UncheckedGranaryException(GranaryException cause) {
    super(cause.getMessage(), cause);
  }

  /** The typed failure. */
  @Override
  public synchronized GranaryException getCause() {
    return (GranaryException) super.getCause();
  }
}
