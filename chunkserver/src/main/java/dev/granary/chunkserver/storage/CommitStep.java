package dev.granary.chunkserver.storage;

import java.io.IOException;

/** The durable steps of a replica commit, in order; tests crash the store after each one. */
public enum CommitStep {
  DATA_FORCED, META_WRITTEN, DATA_RENAMED, META_RENAMED;

  /** Called after each step; the production hook does nothing. */
  @FunctionalInterface
  public interface Hook {
    Hook NONE = step -> {};

    void after(CommitStep step) throws IOException;
  }
}
