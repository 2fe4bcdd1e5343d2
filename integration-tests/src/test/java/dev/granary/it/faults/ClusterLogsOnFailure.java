package dev.granary.it.faults;

import dev.granary.it.ProcessCluster;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Attaches the cluster's process logs to whatever makes a test fail (a failed assertion, an
 * exception from the client library), so a failure on a CI machine can be read without rerunning
 * it. Register it as a field and {@link #attach} the cluster once it exists.
 */
public final class ClusterLogsOnFailure implements TestExecutionExceptionHandler {
  private static final String MARKER = "==== cluster logs";
  private volatile ProcessCluster cluster;

  /** From now on failures carry {@code cluster}'s logs. */
  public void attach(ProcessCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    ProcessCluster c = cluster;
    String message = String.valueOf(failure.getMessage());
    // Wait.until and the tests' own messages may already carry the logs: attach them once.
    if (c == null || message.contains("==== master") || message.contains(MARKER)) {
      throw failure;
    }
    AssertionError withLogs = new AssertionError(failure + "\n" + MARKER + " ====\n" + c.logs(),
        failure);
    throw withLogs;
  }
}
