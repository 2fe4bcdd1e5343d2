package dev.granary.it.faults;

import dev.granary.it.ProcessCluster;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The process cluster of one fault test: {@link #start} (or {@link #adopt}) it, and the extension
 * stops it after the test, whatever happened (after the test's own {@code @AfterEach} methods, so
 * clients they close go first), and attaches its process logs to whatever makes the test fail (a
 * failed assertion, an exception from the client library), so a failure on a CI machine can be read
 * without rerunning it. Register it as a field with {@code @RegisterExtension}.
 */
public final class FaultCluster implements TestExecutionExceptionHandler, AfterEachCallback {
  private static final String MARKER = "==== cluster logs";
  private volatile ProcessCluster cluster;

  /** Starts the standard fault-test cluster ({@link Faults#start}) and makes it this test's. */
  public ProcessCluster start(Path dir, int chunkservers) throws IOException {
    return adopt(Faults.start(dir, chunkservers));
  }

  /** Makes {@code c} this test's cluster: stopped after the test, its logs attached to failures. */
  public ProcessCluster adopt(ProcessCluster c) {
    this.cluster = c;
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ProcessCluster c = cluster;
    cluster = null;
    if (c != null) {
      c.close();
    }
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
