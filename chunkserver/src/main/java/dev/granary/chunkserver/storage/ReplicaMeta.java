package dev.granary.chunkserver.storage;

import dev.granary.wire.Sha256;
import dev.granary.wire.msg.ReplicaInfo;

/**
 * What a chunkserver keeps in memory about one committed replica: its handle, version, length,
 * CRC-based digest (what reports and votes compare) and the SHA-256 of its bytes
 * ({@link Sha256#NONE} for a replica stored before replicas had one). The per-block CRC32Cs stay in
 * the replica's meta file and are loaded on demand (see {@link MetaFile}), so memory per replica is
 * constant whatever the chunk size.
 */
public record ReplicaMeta(long handle, long version, long length, long digest, Sha256 sha256) {
  /** The replica as it appears in a replica report to the master. */
  public ReplicaInfo toInfo() {
    return new ReplicaInfo(handle, version, length, digest);
  }
}
