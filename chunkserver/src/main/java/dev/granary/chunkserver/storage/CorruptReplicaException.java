package dev.granary.chunkserver.storage;

/**
 * A replica's bytes or its meta file fail their checksums. The message names the replica, and for a
 * data block its index and the expected and actual CRC32C.
 */
public final class CorruptReplicaException extends Exception {
  private static final long serialVersionUID = 1L;

  public CorruptReplicaException(String message) {
    super(message);
  }
}
