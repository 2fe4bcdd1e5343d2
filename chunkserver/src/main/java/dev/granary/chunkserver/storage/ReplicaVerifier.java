package dev.granary.chunkserver.storage;

import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Verifies a committed replica: reads every 64 KiB block, paced by the caller's throttle, and
 * checks it against its stored CRC32C (what the scrubber does on every pass).
 */
final class ReplicaVerifier {
  private final ReplicaOpener opener;
  private final String nodeId;

  ReplicaVerifier(ReplicaOpener opener, String nodeId) {
    this.opener = opener;
    this.nodeId = nodeId;
  }

  /** {@link ReplicaStore#verify}. */
  ReplicaMeta verify(long handle, Throttle throttle)
      throws StoreException, CorruptReplicaException, InterruptedException {
    try (ReplicaStore.OpenReplica r = opener.open(handle)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(Limits.BLOCK_SIZE);
      long length = r.meta().length();
      for (int i = 0; i < r.blockCrcs().length; i++) {
        long pos = (long) i * Limits.BLOCK_SIZE;
        int n = (int) Math.min(Limits.BLOCK_SIZE, length - pos);
        throttle.acquire(n);
        buf.clear().limit(n);
        while (buf.hasRemaining()) {
          if (r.data().read(buf, pos + buf.position()) < 0) {
            throw new CorruptReplicaException("replica " + ChunkHandles.format(handle)
                + ": data file ends inside block " + i);
          }
        }
        buf.flip();
        int crc = Checksums.crc32c(buf);
        if (crc != r.blockCrcs()[i]) {
          throw new CorruptReplicaException("replica " + ChunkHandles.format(handle) + ": block "
              + i + " has CRC32C " + Integer.toHexString(crc) + ", expected "
              + Integer.toHexString(r.blockCrcs()[i]));
        }
      }
      return r.meta();
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, nodeId + ": cannot verify replica "
          + ChunkHandles.format(handle) + ": " + e.getMessage(), e);
    }
  }
}
