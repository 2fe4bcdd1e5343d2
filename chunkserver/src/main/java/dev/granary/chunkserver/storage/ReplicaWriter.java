package dev.granary.chunkserver.storage;

import dev.granary.wire.Sha256;
import java.nio.ByteBuffer;

/**
 * A replica being written: its bytes and block CRC32Cs go to temporary files that nobody can read
 * until {@link #commit()} renames them into place. Exactly one thread at a time may call a writer
 * (the transfer's ordered I/O executor); {@link #abort()} may be called at any point, also after a
 * failed step, and is idempotent.
 *
 * <p>Space for {@code maxLength} bytes is reserved from creation until commit or abort.
 */
public interface ReplicaWriter {
  long handle();

  long version();

  /** Bytes appended so far. */
  long length();

  /**
   * Appends one checksum block: every block but the last holds exactly 64 KiB; {@code crc} is the
   * already verified CRC32C of {@code data}. An empty buffer appends nothing.
   *
   * @throws StoreException INVALID_ARGUMENT if the block would exceed the reserved maximum length
   *     or follows a short (final) block; INTERNAL if the temporary file cannot be created or the
   *     disk write fails
   */
  void append(ByteBuffer data, int crc) throws StoreException;

  /**
   * Checks the SHA-256 of the bytes appended against {@code expected} (unless it is
   * {@link Sha256#NONE}), then forces the data's contents to disk and writes and forces the meta
   * file, which records the SHA-256, both still in the temporary directory. After this only
   * {@link #commit()} or {@link #abort()} may be called.
   *
   * @return the replica as it will be once committed
   * @throws StoreException INTEGRITY if the SHA-256 differs from {@code expected} (nothing was
   *     forced; the caller aborts); INTERNAL if the disk fails
   */
  ReplicaMeta prepare(Sha256 expected) throws StoreException;

  /** {@link #prepare(Sha256)} with no SHA-256 to check. */
  default ReplicaMeta prepare() throws StoreException {
    return prepare(Sha256.NONE);
  }

  /**
   * Makes the prepared replica durable and visible: renamed into the replica directory (meta file
   * first, then the data file, then the directory forced once), added to the store, reservation
   * released.
   *
   * @throws StoreException INTERNAL if the disk fails (the replica is then removed again)
   */
  ReplicaMeta commit() throws StoreException;

  /** Removes the temporary files and releases the reservation; a no-op after commit. */
  void abort();
}
