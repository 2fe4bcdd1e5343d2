package dev.granary.master.liveness;

/** A chunkserver's state as the master sees it. */
public enum NodeState {
  /** Pulsing within {@code deadAfter}. */
  LIVE,
  /** Silent for {@code deadAfter} or longer; its replicas are not counted. */
  DEAD
}
