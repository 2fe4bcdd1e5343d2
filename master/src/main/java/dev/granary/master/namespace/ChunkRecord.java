package dev.granary.master.namespace;

import dev.granary.wire.Sha256;

/**
 * One chunk as the metadata records it: its handle, version, length, the CRC-based digest replicas
 * report and votes compare, and the SHA-256 of its bytes ({@link Sha256#NONE} for a chunk written
 * before chunks had one). The chunk table keeps these facts once per handle; files hold handles.
 */
public record ChunkRecord(long handle, long version, long length, long digest, Sha256 sha256) {
  public ChunkRecord {
    if (sha256 == null) {
      throw new IllegalArgumentException("sha256 is NONE when unknown, never null");
    }
  }

  /** A chunk without a known SHA-256. */
  public ChunkRecord(long handle, long version, long length, long digest) {
    this(handle, version, length, digest, Sha256.NONE);
  }
}
