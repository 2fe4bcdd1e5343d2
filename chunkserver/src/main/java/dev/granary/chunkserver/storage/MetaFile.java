package dev.granary.chunkserver.storage;

import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
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
 *  magic "GRNM" (4) | format 1 (4) | handle (8) | version (8) | length (8) | digest (8)
 *  | blockCount (4) | blockCount x CRC32C of each 64 KiB block (4 each) | CRC32C of all the above (4)
 * </pre>
 *
 * <p>One CRC32C per {@link Limits#BLOCK_SIZE} (64 KiB) block, as GFS does (section 5.2): small enough
 * that a read verifies only the blocks it touches and a corrupt block costs one block, large enough
 * that a 64 MiB chunk needs only 4 KiB of checksums. The trailing CRC32C covers the meta file itself,
 * so a torn or bit-rotten meta file is detected rather than trusted. The format is binary because it
 * is read on every replica open and at start-up; {@code granary fsck} is the human-readable view.
 */
public final class MetaFile {
  static final int MAGIC = 0x47524E4D; // "GRNM"
  static final int FORMAT = 1;
  private static final int FIXED = 4 + 4 + 8 + 8 + 8 + 8 + 4;

  /** The decoded contents: the replica's summary and its block CRC32Cs. */
  public record Contents(ReplicaMeta meta, int[] blockCrcs) {}

  private MetaFile() {}

  /** Encodes a meta file; {@code crcs.length} must equal the block count of {@code meta.length()}. */
  public static ByteBuffer encode(ReplicaMeta meta, int[] crcs) {
    if (crcs.length != Checksums.blockCount(meta.length())) {
      throw new IllegalArgumentException(crcs.length + " block CRCs for a replica of "
          + meta.length() + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(FIXED + 4 * crcs.length + 4);
    b.putInt(MAGIC).putInt(FORMAT).putLong(meta.handle()).putLong(meta.version())
        .putLong(meta.length()).putLong(meta.digest()).putInt(crcs.length);
    for (int c : crcs) {
      b.putInt(c);
    }
    b.putInt(Checksums.crc32c(b.array(), 0, b.position()));
    return b.flip();
  }

  /**
   * Decodes and checks a meta file's bytes: structure, self-checksum, block count against length,
   * and digest against the block CRCs.
   *
   * @throws CorruptReplicaException if any check fails
   */
  public static Contents decode(byte[] bytes, String what) throws CorruptReplicaException {
    if (bytes.length < FIXED + 4) {
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
    if (b.getInt() != MAGIC || b.getInt() != FORMAT) {
      throw new CorruptReplicaException(what + ": not a Granary meta file of format " + FORMAT);
    }
    long handle = b.getLong();
    long version = b.getLong();
    long length = b.getLong();
    long digest = b.getLong();
    int count = b.getInt();
    if (length < 0 || count != Checksums.blockCount(length)
        || bytes.length != FIXED + 4L * count + 4) {
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
    return new Contents(new ReplicaMeta(handle, version, length, digest), crcs);
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
