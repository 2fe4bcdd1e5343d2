package dev.granary.master.journal;

import java.io.IOException;

/**
 * The operation log or a checkpoint is unreadable in a way that is not a torn last line. The master
 * refuses to start rather than guess; the message is one line naming the file, the line and the
 * problem.
 */
public final class CorruptJournalException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptJournalException(String message) {
    super(message);
  }
}
