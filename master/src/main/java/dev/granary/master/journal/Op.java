package dev.granary.master.journal;

import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.security.Caller;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEncoding;
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
   * any new parent directories belong to (the caller). {@code reused}: the chunks the commit names
   * as already held (a delta update or deduplication: refused with CHUNK_GONE if nothing holds one
   * any more); {@code dedup}, a subset: those the master matched among the owner's files (with
   * {@code master.dedup}), accepted without being chunks of the file it replaces. {@code encoding}
   * and {@code size}: how a compressed or encrypted file is stored (its stored size is not kept:
   * it is the chunks' sum) and the bytes its readers get; {@link FileEncoding#PLAIN} and -1 for a
   * plain file.
   */
  record Commit(String clientId, long opId, long time, String path, boolean overwrite,
      int replication, long chunkSize, List<ChunkRecord> chunks, String owner, String group,
      java.util.Set<Long> reused, java.util.Set<Long> dedup, FileEncoding encoding, long size)
      implements Mutation {
    public Commit {
      chunks = List.copyOf(chunks);
      reused = java.util.Set.copyOf(reused);
      dedup = java.util.Set.copyOf(dedup);
      encoding = encoding.isPlain() ? FileEncoding.PLAIN : encoding.withStoredSize(-1);
    }

    /** A plain file's commit. */
    public Commit(String clientId, long opId, long time, String path, boolean overwrite,
        int replication, long chunkSize, List<ChunkRecord> chunks, String owner, String group,
        java.util.Set<Long> reused, java.util.Set<Long> dedup) {
      this(clientId, opId, time, path, overwrite, replication, chunkSize, chunks, owner, group,
          reused, dedup, FileEncoding.PLAIN, -1);
    }

    /** A commit of new chunks only. */
    public Commit(String clientId, long opId, long time, String path, boolean overwrite,
        int replication, long chunkSize, List<ChunkRecord> chunks, String owner, String group) {
      this(clientId, opId, time, path, overwrite, replication, chunkSize, chunks, owner, group,
          java.util.Set.of(), java.util.Set.of());
    }

    /** A commit from before entries had owners: the new file is admin's. */
    public Commit(String clientId, long opId, long time, String path, boolean overwrite,
        int replication, long chunkSize, List<ChunkRecord> chunks) {
      this(clientId, opId, time, path, overwrite, replication, chunkSize, chunks, Caller.ADMIN,
          Caller.ADMIN_GROUP);
    }
  }

  /**
   * {@code skipTrash}: removed outright even under a trash policy; {@code user} and {@code group}:
   * whose trash it goes into otherwise (the caller's). Records written before trash existed have
   * none of these, and no policy could apply to them.
   */
  record Delete(String clientId, long opId, long time, String path, boolean recursive,
      boolean skipTrash, String user, String group) implements Mutation {
    public Delete(String clientId, long opId, long time, String path, boolean recursive) {
      this(clientId, opId, time, path, recursive, false, Caller.ADMIN, Caller.ADMIN_GROUP);
    }
  }

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

  // ------------------------------------------- versions, snapshots, trash, policies (shared chunks)

  /** A directory's own policy changes: {@code settings} key to value, "" clears the key. */
  record SetPolicy(long time, String path, java.util.Map<String, String> settings) implements Op {
    public SetPolicy {
      settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    }
  }

  /** Version {@code version} of {@code path} becomes its current contents (as the caller's). */
  record Restore(String clientId, long opId, long time, String path, long version, String owner,
      String group) implements Mutation {}

  /** A snapshot of {@code dir} named {@code name} is taken ({@code create}) or deleted. */
  record Snapshot(String clientId, long opId, long time, boolean create, String dir, String name)
      implements Mutation {}

  /** {@code user}'s newest trash entry for {@code path} goes back (new parents: user's, group's). */
  record TrashRestore(String clientId, long opId, long time, String path, String user,
      String group) implements Mutation {}

  /** {@code user}'s trash is emptied. */
  record TrashEmpty(String clientId, long opId, long time, String user) implements Mutation {}

  /** Every trash entry that expires at or before {@code time} is removed for good. */
  record TrashExpire(long time) implements Op {}

  // ------------------------------------------------------ compression and encryption (issue 20)

  /**
   * Key rotation: the data key of {@code path} (its kept version {@code version}, 0 the current
   * contents) is wrapped anew ({@code keyId}, {@code wrappedKey}) if it is still
   * {@code oldWrappedKey}.
   */
  record Rekey(String clientId, long opId, long time, String path, long version,
      String oldWrappedKey, String keyId, String wrappedKey) implements Mutation {}

  // ------------------------------------------------------------- operating the cluster

  /** An operator takes chunkserver {@code nodeId} out of service (from {@code time} on). */
  record Decommission(long time, String nodeId) implements Op {}

  /** An operator puts chunkserver {@code nodeId} back in service. */
  record Recommission(long time, String nodeId) implements Op {}
}
