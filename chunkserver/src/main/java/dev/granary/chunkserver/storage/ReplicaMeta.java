package dev.granary.chunkserver.storage;

import dev.granary.wire.msg.ReplicaInfo;

/**
 * What a chunkserver keeps in memory about one committed replica: its handle, version, length and
 * content digest. The per-block CRC32Cs stay in the replica's meta file and are loaded on demand
 * (see {@link MetaFile}), so memory per replica is constant whatever the chunk size.
 */
public record ReplicaMeta(long handle, long version, long length, long digest) {
  /** The replica as it appears in a replica report to the master. */
  public ReplicaInfo toInfo() {
    return new ReplicaInfo(handle, version, length, digest);
  }
}
