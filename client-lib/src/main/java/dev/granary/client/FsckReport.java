package dev.granary.client;

import java.util.List;

/**
 * Health of the chunks under a path. {@code status} is HEALTHY, DEGRADED or CORRUPT; {@code votes}
 * counts majority-vote decisions since the master started; {@code problems} lists (a bounded number
 * of) one-line findings; {@code readOnly} is true while the master cannot write its operation log
 * and refuses mutations.
 */
public record FsckReport(long files, long chunks, long healthy, long underReplicated,
    long overReplicated, long corrupt, long missing, long votes, long replicationQueue,
    boolean locationsComplete, String status, List<String> problems, long deletionsHeld,
    boolean readOnly) {
  public FsckReport {
    problems = List.copyOf(problems);
  }
}
