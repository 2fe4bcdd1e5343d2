package dev.granary.chunkserver.storage;

import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Writes one replica into {@code tmp/} and commits it into {@code replicas/}.
 *
 * <p>Commit order, chosen so that a crash or power loss at any point leaves the whole replica or
 * none (the start-up scan, {@link CrashRepair}, does the rest), with three syncs in all:
 * (1) meta file written beside the data file, then the data file's contents forced
 * ({@code fdatasync}); (2) the meta file forced likewise, both still in tmp/, which start-up
 * empties; (3) meta file renamed into replicas/; (4) data file renamed
 * into replicas/; (5) the directory forced once. Both files' contents are durable before either
 * name appears in replicas/, so whichever subset of the two renames a power loss keeps, the
 * replica there is whole or incomplete, never torn: a {@code .meta} without its {@code .chunk}
 * (crash after 3) and a {@code .chunk} without its {@code .meta} (only rename 4 reached the disk)
 * are both removed at start-up, and a pair is checked against each other (length, meta CRC) before
 * it is trusted. After (5) the replica exists for good.
 *
 * <p>This writer keeps the replica's block CRC32Cs and SHA-256 and checks what it is given; the
 * steps above are {@link FileCommit}'s. A replica of at most {@link ReplicaJournal#DEFERRED_MAX}
 * bytes commits through the store's journal instead ({@link JournalCommit}), with one forced
 * write shared with every other small commit of that moment: (1) data file written in tmp/,
 * unforced; (2) a journal record of the meta and the data forced; (3) data file renamed into
 * replicas/. Nothing is forced after (2): the journal record is what survives a power loss, and
 * start-up rewrites from it whatever did not reach the disk. The meta file is written by the
 * store's checkpoint (until then the store serves the block CRCs from memory), which also forces
 * the data file and then drops the record.
 *
 * <p>Every block appended also goes through a SHA-256 as it is written (no second read of the
 * data); {@link #prepare} compares the result with the writer's expected value before anything is
 * forced, so a replica whose bytes are not the ones the writer hashed is never committed, and the
 * meta file records the value for copies and for the master.
 *
 * <p>The bytes go to a data file in tmp/ ({@link TmpDataFile}) through the page cache, or, for a
 * writer given a {@link DirectIo} (a replica readers are not sent to first), around it
 * ({@link DirectStaging}). The commit order above is the same: the force of the data file covers
 * both kinds of write.
 */
final class DiskReplicaWriter implements ReplicaWriter {
  private final WriteTarget target;
  private final long handle;
  private final long version;
  private final long maxLength;
  private final TmpDataFile data;
  private final Path tmpMeta;
  /** Non-null when this replica bypasses the page cache. */
  private final DirectStaging direct;
  private int[] crcs = new int[16];
  private int blocks;
  private long length;
  private boolean shortBlockSeen;
  private final MessageDigest sha = Sha256.newDigest();
  /** The SHA-256 of every byte appended, once {@link #prepare} has finished {@link #sha}. */
  private Sha256 shaOfData;
  /** How the replica commits, chosen at prepare by its length. */
  private CommitProtocol protocol;
  private ReplicaMeta prepared;
  private boolean finished;

  /**
   * Touches no file: the temporary data file is created by the first append or prepare, on the
   * writer's I/O thread ({@link TmpDataFile}).
   */
  DiskReplicaWriter(WriteTarget target, long handle, long version, long maxLength, Path tmpData,
      Path tmpMeta, DirectIo direct) {
    this.target = target;
    this.handle = handle;
    this.version = version;
    this.maxLength = maxLength;
    this.data = new TmpDataFile(tmpData, name());
    this.tmpMeta = tmpMeta;
    this.direct = direct == null ? null : new DirectStaging(direct, data);
  }

  @Override
  public long handle() {
    return handle;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void append(ByteBuffer block, int crc) throws StoreException {
    int n = block.remaining();
    if (n == 0) {
      return;
    }
    if (prepared != null || finished) {
      throw new IllegalStateException("append after prepare/abort of " + name());
    }
    if (shortBlockSeen || n > Limits.BLOCK_SIZE) {
      throw new StoreException(Status.INVALID_ARGUMENT, name() + ": block " + blocks + " of " + n
          + " bytes follows a short block or exceeds " + Limits.BLOCK_SIZE + " bytes");
    }
    if (length + n > maxLength) {
      throw new StoreException(Status.INVALID_ARGUMENT, name() + ": " + (length + n)
          + " bytes exceed the announced maximum length " + maxLength);
    }
    data.channel();
    sha.update(block.duplicate());
    try {
      if (direct != null) {
        direct.stage(block); // on the device already: nothing to flush behind
      } else {
        data.append(block);
      }
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, name() + ": write failed: " + e.getMessage(), e);
    }
    if (blocks == crcs.length) {
      crcs = Arrays.copyOf(crcs, blocks * 2);
    }
    crcs[blocks++] = crc;
    length += n;
    shortBlockSeen = n < Limits.BLOCK_SIZE;
  }

  @Override
  public ReplicaMeta prepare(Sha256 expected) throws StoreException {
    if (prepared != null) {
      return prepared;
    }
    if (shaOfData == null) {
      shaOfData = Sha256.of(sha.digest());
    }
    if (!expected.isNone() && !expected.equals(shaOfData)) {
      throw new StoreException(Status.INTEGRITY, name() + ": the " + length + " bytes received "
          + "have SHA-256 " + shaOfData.hex() + ", the writer expected " + expected.hex()
          + "; not committed");
    }
    int[] blockCrcs = Arrays.copyOf(crcs, blocks);
    ReplicaMeta meta = new ReplicaMeta(handle, version, length,
        Checksums.digest(length, blockCrcs, blocks), shaOfData);
    try {
      if (direct != null) {
        direct.finish(true);
      }
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, name() + ": write failed: " + e.getMessage(), e);
    }
    if (protocol == null) {
      protocol = length <= ReplicaJournal.DEFERRED_MAX
          ? new JournalCommit(target, data, handle, version, name())
          : new FileCommit(target, data, tmpMeta, handle, name());
    }
    protocol.prepare(meta, blockCrcs);
    prepared = meta;
    return meta;
  }

  @Override
  public ReplicaMeta commit() throws StoreException {
    if (prepared == null || finished) {
      throw new IllegalStateException("commit of " + name() + " before prepare or after abort");
    }
    try {
      protocol.rename();
    } catch (IOException e) {
      // Undo whatever was renamed, meta file first: a lone data file is removed at start-up.
      StoreLayout.deleteQuietly(target.layout().metaFile(handle), target.nodeId());
      StoreLayout.deleteQuietly(target.layout().chunkFile(handle), target.nodeId());
      abort();
      throw new StoreException(Status.INTERNAL, name() + ": commit failed: " + e.getMessage(), e);
    }
    finished = true;
    if (direct != null) {
      target.writtenAroundCache().incrementAndGet();
    }
    protocol.publish(prepared, maxLength);
    return prepared;
  }

  @Override
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    data.awaitFlushBehind();
    try {
      if (direct != null) {
        direct.finish(false);
      }
    } catch (IOException e) {
      // Closing a file we are about to delete: nothing to recover.
    }
    data.close();
    StoreLayout.deleteQuietly(data.path(), target.nodeId());
    if (protocol != null) {
      protocol.abandon();
    }
    target.space().released(handle, maxLength);
  }

  private String name() {
    return "replica " + ChunkHandles.format(handle) + " v" + version;
  }
}
