package dev.granary.master.liveness;

/**
 * A chunkserver's traffic counters as of its last pulse, each counted since that chunkserver
 * process started.
 *
 * @param bytesRead data bytes it served to readers
 * @param bytesWritten data bytes it wrote into replicas (pipeline writes and copies received)
 * @param corruptReplicasFound replicas it found corrupt or vanished and reported
 */
public record Traffic(long bytesRead, long bytesWritten, long corruptReplicasFound) {
  /** Before the first pulse that carried counters. */
  public static final Traffic NONE = new Traffic(0, 0, 0);
}
