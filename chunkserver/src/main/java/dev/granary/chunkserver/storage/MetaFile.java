package dev.granary.chunkserver.storage;

import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The binary meta file that sits beside each replica's {@code .chunk} file.
 *
 * <p>Layout, big-endian:
 *
 * <pre>
 *  magic "GRNM" (4) | format 2 (4) | handle (8) | version (8) | length (8) | digest (8)
 *  | SHA-256 of the data (32) | blockCount (4) | blockCount x CRC32C of each 64 KiB block (4 each)
 *  | CRC32C of all the above (4)
 * </pre>
 *
 * <p>Format 1, written before replicas had a SHA-256, is the same without the SHA-256 field; it is
 * still read, as {@link Sha256#NONE}, and never written. The field sits before the block CRCs, so
 * the length stays at the same offset in both formats (the journal finds a record's data by it).
 *
 * <p>One CRC32C per {@link Limits#BLOCK_SIZE} (64 KiB) block, as GFS does (section 5.2): small enough
 * that a read verifies only the blocks it touches and a corrupt block costs one block, large enough
 * that a 64 MiB chunk needs only 4 KiB of checksums. The trailing CRC32C covers the meta file itself,
 * so a torn or bit-rotten meta file is detected rather than trusted. The format is binary because it
 * is read on every replica open and at start-up; {@code granary fsck} is the human-readable view.
 */
public final class MetaFile {
  static final int MAGIC = 0x47524E4D; // "GRNM"
  static final int FORMAT = 2;
  /** The format before the SHA-256 field; read, never written. */
  static final int FORMAT_1 = 1;
  /** Bytes before the block CRCs in format 1; format 2 adds the SHA-256. */
  private static final int FIXED_1 = 4 + 4 + 8 + 8 + 8 + 8 + 4;
  private static final int FIXED = FIXED_1 + Sha256.BYTES;

  /** The decoded contents: the replica's summary and its block CRC32Cs. */
  public record Contents(ReplicaMeta meta, int[] blockCrcs) {}

  private MetaFile() {}

  /** Encodes a meta file; {@code crcs.length} must equal the block count of {@code meta.length()}. */
  public static ByteBuffer encode(ReplicaMeta meta, int[] crcs) {
    if (crcs.length != Checksums.blockCount(meta.length())) {
      throw new IllegalArgumentException(crcs.length + " block CRCs for a replica of "
          + meta.length() + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(length(crcs.length));
    Sha256 sha = meta.sha256();
    b.putInt(MAGIC).putInt(FORMAT).putLong(meta.handle()).putLong(meta.version())
        .putLong(meta.length()).putLong(meta.digest())
        .putLong(sha.a()).putLong(sha.b()).putLong(sha.c()).putLong(sha.d()).putInt(crcs.length);
    for (int c : crcs) {
      b.putInt(c);
    }
    b.putInt(Checksums.crc32c(b.array(), 0, b.position()));
    return b.flip();
  }

  /** Bytes of a meta file (of the format written) holding {@code blocks} block CRCs. */
  static int length(int blocks) {
    return FIXED + 4 * blocks + 4;
  }

  /**
   * Decodes and checks a meta file's bytes: structure, self-checksum, block count against length,
   * and digest against the block CRCs.
   *
   * @throws CorruptReplicaException if any check fails
   */
  public static Contents decode(byte[] bytes, String what) throws CorruptReplicaException {
    if (bytes.length < FIXED_1 + 4) {
      throw new CorruptReplicaException(what + ": meta file of " + bytes.length
          + " bytes is truncated");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int stored = b.getInt(bytes.length - 4);
    int actual = Checksums.crc32c(bytes, 0, bytes.length - 4);
    if (stored != actual) {
      throw new CorruptReplicaException(what + ": meta file checksum mismatch (stored "
          + Integer.toHexString(stored) + ", computed " + Integer.toHexString(actual) + ")");
    }
    int format = b.getInt() != MAGIC ? -1 : b.getInt();
    if (format != FORMAT && format != FORMAT_1) {
      throw new CorruptReplicaException(what + ": not a Granary meta file of format " + FORMAT_1
          + " or " + FORMAT);
    }
    int fixed = format == FORMAT ? FIXED : FIXED_1;
    if (bytes.length < fixed + 4) {
      throw new CorruptReplicaException(what + ": meta file of " + bytes.length
          + " bytes is truncated");
    }
    long handle = b.getLong();
    long version = b.getLong();
    long length = b.getLong();
    long digest = b.getLong();
    Sha256 sha = format == FORMAT
        ? new Sha256(b.getLong(), b.getLong(), b.getLong(), b.getLong()) : Sha256.NONE;
    int count = b.getInt();
    if (length < 0 || count != Checksums.blockCount(length)
        || bytes.length != fixed + 4L * count + 4) {
      throw new CorruptReplicaException(what + ": meta file holds " + count
          + " block CRCs for a length of " + length + " bytes");
    }
    int[] crcs = new int[count];
    for (int i = 0; i < count; i++) {
      crcs[i] = b.getInt();
    }
    if (Checksums.digest(length, crcs, count) != digest) {
      throw new CorruptReplicaException(what + ": digest does not match the block CRCs");
    }
    return new Contents(new ReplicaMeta(handle, version, length, digest, sha), crcs);
  }

  /**
   * Writes the meta file at {@code path} (created new) and returns it open and not yet forced
   * (the caller forces it: {@code fdatasync}, the contents and size, is all a later rename needs),
   * so the caller can force it after other work (the commit forces the data file in between, and
   * the one file-system flush that makes both new files durable then covers most of this one too).
   */
  public static FileChannel writeUnforced(Path path, ReplicaMeta meta, int[] crcs)
      throws IOException {
    ByteBuffer b = encode(meta, crcs);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    try {
      while (b.hasRemaining()) {
        ch.write(b);
      }
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Reads and checks the meta file at {@code path}; {@code expectedHandle} must match the handle
   * recorded inside.
   *
   * @throws NoSuchFileException if there is none
   * @throws CorruptReplicaException if it fails a check
   */
  public static Contents read(Path path, long expectedHandle)
      throws IOException, CorruptReplicaException {
    String what = "replica " + ChunkHandles.format(expectedHandle);
    long size = Files.size(path);
    if (size > FIXED + 4L * (Integer.MAX_VALUE / 8)) {
      throw new CorruptReplicaException(what + ": meta file of " + size + " bytes is too large");
    }
    Contents c = decode(Files.readAllBytes(path), what);
    if (c.meta().handle() != expectedHandle) {
      throw new CorruptReplicaException(what + ": meta file records handle "
          + ChunkHandles.format(c.meta().handle()));
    }
    return c;
  }
}
