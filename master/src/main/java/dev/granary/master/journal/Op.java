package dev.granary.master.journal;

import dev.granary.master.namespace.ChunkRecord;
import dev.granary.wire.Status;
import java.util.List;

/**
 * One record of the operation log. Mutations carry the client id and operation id that key the
 * retry cache; {@link Failure} records a refused mutation so its answer is remembered too.
 */
public sealed interface Op {
  /** Log time (epoch ms) at which the operation was applied. */
  long time();

  /** A mutation requested by a client. */
  sealed interface Mutation extends Op {
    String clientId();

    long opId();
  }

  record Mkdir(String clientId, long opId, long time, String path, boolean parents)
      implements Mutation {}

  /** {@code chunks}: the file's chunks in order. */
  record Commit(String clientId, long opId, long time, String path, boolean overwrite,
      int replication, long chunkSize, List<ChunkRecord> chunks) implements Mutation {
    public Commit {
      chunks = List.copyOf(chunks);
    }
  }

  record Delete(String clientId, long opId, long time, String path, boolean recursive)
      implements Mutation {}

  record Rename(String clientId, long opId, long time, String source, String destination)
      implements Mutation {}

  /** A refused mutation and the error it was answered with. */
  record Failure(String clientId, long opId, long time, String kind, Status status,
      String message) implements Mutation {}

  /** Chunk handles up to {@code upTo} may have been handed out: never allocate them again. */
  record Reserve(long time, long upTo) implements Op {}

  /** A majority vote decided a chunk's content: its length and digest from now on. */
  record SetDigest(long time, long handle, long length, long digest) implements Op {}
}
