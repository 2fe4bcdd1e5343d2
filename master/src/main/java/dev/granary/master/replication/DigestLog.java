package dev.granary.master.replication;

/**
 * Makes the outcome of a vote that overrules the committed digest persistent (an operation log
 * record), so the decision survives a restart.
 */
@FunctionalInterface
public interface DigestLog {
  void record(long handle, long length, long digest);
}
