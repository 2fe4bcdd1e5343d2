package dev.granary.master.liveness;

/**
 * A chunkserver's state as the master shows it: its liveness, and whether an operator is taking it
 * out of service (HDFS keeps the two apart as liveness and "admin state"; one word shows both).
 */
public enum NodeState {
  /** Pulsing within {@code deadAfter}, in service. */
  LIVE,
  /**
   * Silent for {@code deadAfter} or longer; its replicas are not counted. A node that dies while
   * being decommissioned shows DEAD (its replicas are re-replicated as for any dead node) and is
   * DECOMMISSIONING again if it comes back.
   */
  DEAD,
  /**
   * Live, being decommissioned: it gets no new chunks, its replicas serve reads and copies but do
   * not count toward any chunk's goal, and the chunks it holds are copied elsewhere.
   */
  DECOMMISSIONING,
  /**
   * Decommissioned: every chunk it held had its goal on other nodes when it was last checked
   * (live), or when it stopped pulsing; it may be switched off.
   */
  DECOMMISSIONED
}
