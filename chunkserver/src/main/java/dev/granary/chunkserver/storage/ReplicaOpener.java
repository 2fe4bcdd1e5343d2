package dev.granary.chunkserver.storage;

import dev.granary.chunkserver.storage.ReplicaStore.OpenReplica;
import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * Opens committed replicas for reading, in one of two ways: {@link #open} with block CRC32Cs from
 * the meta file (or, for a journaled replica whose meta file is not written yet, from memory),
 * checked against the replica in memory and the data file's size; or {@link #openFromMemory}, the
 * fast path of small reads, without reading the meta file at all.
 */
final class ReplicaOpener {
  private final StoreLayout layout;
  private final String nodeId;
  private final ReplicaIndex index;

  ReplicaOpener(StoreLayout layout, String nodeId, ReplicaIndex index) {
    this.layout = layout;
    this.nodeId = nodeId;
    this.index = index;
  }

  /** {@link ReplicaStore#open}. */
  OpenReplica open(long handle) throws StoreException, CorruptReplicaException {
    ReplicaMeta meta = index.get(handle);
    if (meta == null) {
      throw noSuchReplica(handle);
    }
    FileChannel ch = null;
    try {
      int[] crcs = index.unwrittenCrcs(handle);
      // Not yet written by the checkpoint: the CRCs journaled with it. Else from its meta file
      // (if the checkpoint wrote it between the two lookups, the file is there).
      MetaFile.Contents c = crcs != null ? new MetaFile.Contents(meta, crcs)
          : MetaFile.read(layout.metaFile(handle), handle);
      if (!c.meta().equals(meta)) {
        throw new CorruptReplicaException("replica " + ChunkHandles.format(handle)
            + ": meta file changed under the chunkserver: " + c.meta() + " vs " + meta);
      }
      ch = FileChannel.open(layout.chunkFile(handle), StandardOpenOption.READ);
      if (ch.size() != meta.length()) {
        throw new CorruptReplicaException("replica " + ChunkHandles.format(handle)
            + ": data file of " + ch.size() + " bytes, expected " + meta.length());
      }
      OpenReplica r = new OpenReplica(meta, c.blockCrcs(), ch);
      ch = null;
      return r;
    } catch (NoSuchFileException e) {
      throw noSuchReplica(handle);
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, nodeId + ": cannot open replica "
          + ChunkHandles.format(handle) + ": " + e.getMessage(), e);
    } finally {
      closeQuietly(ch);
    }
  }

  /**
   * A replica whose block CRC32Cs are known without reading its meta file, opened with one
   * {@code open(2)}: a journaled replica whose meta file the checkpoint has not written yet (its
   * CRCs are in memory), or any replica of at most one block. A one-block replica's CRC is implied
   * by its digest, which the store holds in memory: {@link Checksums#digest} of a length and one
   * CRC is a bijection of that CRC, so the block read back here passes if and only if its CRC32C is
   * the one stored at write time, the same check the reader would make against the meta file's
   * copy. Used by reads on the event loop to skip the hand-off to the I/O pool (two thread
   * wake-ups, as long as the rest of a small read) and the meta file's read. A block that fails is
   * left to the full {@link #open}, so the reader sees the stored CRC, fails over and reports the
   * replica. Null if none of this applies.
   */
  OpenReplica openFromMemory(long handle) {
    ReplicaMeta meta = index.get(handle);
    if (meta == null) {
      return null;
    }
    int[] crcs = index.unwrittenCrcs(handle);
    if (crcs == null && meta.length() > Limits.BLOCK_SIZE) {
      return null;
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(layout.chunkFile(handle), StandardOpenOption.READ);
      if (ch.size() != meta.length() || index.get(handle) != meta) {
        return null; // changed or damaged under us: the full open decides
      }
      if (crcs == null && (crcs = impliedCrcs(meta, ch)) == null) {
        return null;
      }
      OpenReplica r = new OpenReplica(meta, crcs, ch);
      ch = null;
      return r;
    } catch (IOException e) {
      return null;
    } finally {
      closeQuietly(ch);
    }
  }

  /** The CRC of a replica of at most one block, if its data matches its digest; else null. */
  private static int[] impliedCrcs(ReplicaMeta meta, FileChannel ch) throws IOException {
    int length = (int) meta.length();
    int[] crcs = new int[Checksums.blockCount(length)];
    if (length > 0) {
      ByteBuffer b = ByteBuffer.allocate(length);
      while (b.hasRemaining()) {
        if (ch.read(b, b.position()) < 0) {
          return null;
        }
      }
      crcs[0] = Checksums.crc32c(b.array(), 0, length);
    }
    return Checksums.digest(length, crcs, crcs.length) == meta.digest() ? crcs : null;
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // Closing a read-only channel after a failure: nothing to report.
      }
    }
  }

  private StoreException noSuchReplica(long handle) {
    return new StoreException(Status.NO_SUCH_REPLICA, nodeId + " holds no replica "
        + ChunkHandles.format(handle));
  }
}
