package dev.granary.client;

/**
 * What a delete removed: files and directories (a recursive delete counts the whole tree), and
 * {@code trashExpires}: 0 if they were removed outright, else the time (epoch milliseconds) until
 * which they stay in the caller's trash ({@link GranaryClient#trash()}), when they are freed.
 */
public record DeleteResult(long files, long directories, long trashExpires) {

  /** What a delete removed outright. */
  public DeleteResult(long files, long directories) {
    this(files, directories, 0);
  }

  /** Whether the entry went to the caller's trash (a trash policy applied) rather than away. */
  public boolean trashed() {
    return trashExpires > 0;
  }
}
