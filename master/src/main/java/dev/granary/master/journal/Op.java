package dev.granary.master.journal;

import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.security.Caller;
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

  /** {@code owner}, {@code group}: who the new directories belong to (the caller). */
  record Mkdir(String clientId, long opId, long time, String path, boolean parents, String owner,
      String group) implements Mutation {
    /** A mkdir from before entries had owners: the new directories are admin's. */
    public Mkdir(String clientId, long opId, long time, String path, boolean parents) {
      this(clientId, opId, time, path, parents, Caller.ADMIN, Caller.ADMIN_GROUP);
    }
  }

  /**
   * {@code chunks}: the file's chunks in order; {@code owner}, {@code group}: who the new file and
   * any new parent directories belong to (the caller).
   */
  record Commit(String clientId, long opId, long time, String path, boolean overwrite,
      int replication, long chunkSize, List<ChunkRecord> chunks, String owner, String group)
      implements Mutation {
    public Commit {
      chunks = List.copyOf(chunks);
    }

    /** A commit from before entries had owners: the new file is admin's. */
    public Commit(String clientId, long opId, long time, String path, boolean overwrite,
        int replication, long chunkSize, List<ChunkRecord> chunks) {
      this(clientId, opId, time, path, overwrite, replication, chunkSize, chunks, Caller.ADMIN,
          Caller.ADMIN_GROUP);
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

  // ---------------------------------------------------------------- permissions (PERMS)

  /** chmod: {@code permission} (0..0777) on {@code path}, with {@code recursive} on its subtree. */
  record SetPermission(long time, String path, int permission, boolean recursive) implements Op {}

  /**
   * chown: {@code owner} and/or {@code group} ("" leaves it unchanged) on {@code path}, with
   * {@code recursive} on its subtree.
   */
  record SetOwner(long time, String path, String owner, String group, boolean recursive)
      implements Op {}

  // ------------------------------------------------------------------ users (security)

  /**
   * A user was added (or a revoked one given a new token): only the SHA-256 of its token is
   * recorded, never the token.
   */
  record UserAdd(long time, String name, String group, boolean superuser, byte[] tokenHash)
      implements Op {
    public UserAdd {
      tokenHash = tokenHash.clone();
    }

    @Override
    public byte[] tokenHash() {
      return tokenHash.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof UserAdd u && u.time == time && u.name.equals(name)
          && u.group.equals(group) && u.superuser == superuser
          && java.util.Arrays.equals(u.tokenHash, tokenHash);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(time, name, group, superuser,
          java.util.Arrays.hashCode(tokenHash));
    }

    @Override
    public String toString() {
      return "UserAdd[time=" + time + ", name=" + name + ", group=" + group + ", superuser="
          + superuser + "]";
    }
  }

  /** A user was revoked: its token fails from then on. */
  record UserRevoke(long time, String name) implements Op {}

  // ------------------------------------------------------------- operating the cluster

  /** An operator takes chunkserver {@code nodeId} out of service (from {@code time} on). */
  record Decommission(long time, String nodeId) implements Op {}

  /** An operator puts chunkserver {@code nodeId} back in service. */
  record Recommission(long time, String nodeId) implements Op {}
}
