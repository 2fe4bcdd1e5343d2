package dev.granary.client;

/**
 * How a file is written: its replication goal, whether it may replace an existing file, and its
 * chunk size. A zero chunk size means the cluster's default (the master's {@code chunkSize}),
 * fetched once per client. A zero replication leaves it to the master, which gives the file the
 * replication of the nearest directory policy that sets one, else its {@code replication}; the
 * file keeps the number chosen. If fewer live chunkservers than
 * {@code replication} exist, the master hands out a shorter pipeline (at least its
 * {@code minReplicas}) and the write still succeeds.
 *
 * @param replication replicas per chunk, 1..255, or 0 for the directory policy's or the
 *     cluster's default
 * @param overwrite replace an existing file atomically instead of failing with
 *     {@link AlreadyExistsException}
 * @param chunkSize bytes per chunk, a positive multiple of 64 KiB, or 0 for the cluster's default
 * @param compression how the client compresses each 64 KiB block, or null for what the nearest
 *     directory policy says (none where no policy sets it)
 * @param encrypt encrypt on the client with the client's key file; false leaves it to the nearest
 *     directory policy (a policy that says encrypt cannot be opted out of)
 */
public record WriteOptions(int replication, boolean overwrite, long chunkSize,
    Compression compression, boolean encrypt) {
  /** Replication 0 asks for the cluster's default. */
  public static final int CLUSTER_DEFAULT_REPLICATION = 0;
  /** Chunk size 0 asks for the cluster's default. */
  public static final long CLUSTER_DEFAULT_CHUNK_SIZE = 0;
  private static final long BLOCK = 64 * 1024;

  /** @throws IllegalArgumentException for a replication outside 1..255 or a bad chunk size */
  public WriteOptions {
    if (replication < 0 || replication > 255) {
      throw new IllegalArgumentException("replication " + replication
          + ": expected 1..255 (or 0 for the cluster's default)");
    }
    if (chunkSize < 0 || chunkSize % BLOCK != 0) {
      throw new IllegalArgumentException("chunk size " + chunkSize
          + ": expected a positive multiple of 65536 bytes (or 0 for the cluster's default)");
    }
  }

  /** Plain writes, or as the directory's policy says. */
  public WriteOptions(int replication, boolean overwrite, long chunkSize) {
    this(replication, overwrite, chunkSize, null, false);
  }

  /** The cluster's replication and chunk size, no overwrite. */
  public static WriteOptions defaults() {
    return new WriteOptions(CLUSTER_DEFAULT_REPLICATION, false, CLUSTER_DEFAULT_CHUNK_SIZE);
  }

  /** Whether replication or chunk size are left to the cluster's defaults. */
  public boolean needsClusterDefaults() {
    return replication == CLUSTER_DEFAULT_REPLICATION || chunkSize == CLUSTER_DEFAULT_CHUNK_SIZE;
  }

  public WriteOptions withReplication(int value) {
    return new WriteOptions(value, overwrite, chunkSize, compression, encrypt);
  }

  public WriteOptions withOverwrite(boolean value) {
    return new WriteOptions(replication, value, chunkSize, compression, encrypt);
  }

  public WriteOptions withChunkSize(long value) {
    return new WriteOptions(replication, overwrite, value, compression, encrypt);
  }

  /** Compress with {@code value} (null: as the directory's policy says). */
  public WriteOptions withCompression(Compression value) {
    return new WriteOptions(replication, overwrite, chunkSize, value, encrypt);
  }

  /** Encrypt on the client (false: as the directory's policy says). */
  public WriteOptions withEncrypt(boolean value) {
    return new WriteOptions(replication, overwrite, chunkSize, compression, value);
  }
}
