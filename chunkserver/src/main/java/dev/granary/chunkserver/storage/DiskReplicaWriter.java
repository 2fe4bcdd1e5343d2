package dev.granary.chunkserver.storage;

import dev.granary.wire.Checksums;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Limits;
import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes one replica into {@code tmp/} and commits it into {@code replicas/}.
 *
 * <p>Commit order, chosen so that a {@code kill -9} at any point leaves the whole replica or none
 * (the start-up scan of {@link DiskReplicaStore} does the rest): (1) data file forced; (2) meta file
 * written and forced, both still in tmp/, which start-up empties; (3) data file renamed into
 * replicas/ and the directory forced: a {@code .chunk} without a valid {@code .meta} is removed at
 * start-up; (4) meta file renamed and the directory forced: from here on the replica exists.
 */
final class DiskReplicaWriter implements ReplicaWriter {
  private final DiskReplicaStore store;
  private final long handle;
  private final long version;
  private final long maxLength;
  private final Path tmpData;
  private final Path tmpMeta;
  private FileChannel data;
  private int[] crcs = new int[16];
  private int blocks;
  private long length;
  private boolean shortBlockSeen;
  private ReplicaMeta prepared;
  private boolean finished;

  DiskReplicaWriter(DiskReplicaStore store, long handle, long version, long maxLength, Path tmpData,
      Path tmpMeta) throws IOException {
    this.store = store;
    this.handle = handle;
    this.version = version;
    this.maxLength = maxLength;
    this.tmpData = tmpData;
    this.tmpMeta = tmpMeta;
    this.data = FileChannel.open(tmpData, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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
    try {
      while (block.hasRemaining()) {
        data.write(block);
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
  public ReplicaMeta prepare() throws StoreException {
    if (prepared != null) {
      return prepared;
    }
    int[] blockCrcs = Arrays.copyOf(crcs, blocks);
    ReplicaMeta meta = new ReplicaMeta(handle, version, length,
        Checksums.digest(length, blockCrcs, blocks));
    try {
      data.force(false);
      data.close();
      store.hooks().after(CommitStep.DATA_FORCED);
      MetaFile.write(tmpMeta, meta, blockCrcs);
      store.hooks().after(CommitStep.META_WRITTEN);
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, name() + ": cannot make the replica durable: "
          + e.getMessage(), e);
    }
    prepared = meta;
    return meta;
  }

  @Override
  public ReplicaMeta commit() throws StoreException {
    if (prepared == null || finished) {
      throw new IllegalStateException("commit of " + name() + " before prepare or after abort");
    }
    StoreLayout layout = store.layout();
    try {
      Files.move(tmpData, layout.chunkFile(handle), StandardCopyOption.ATOMIC_MOVE);
      StoreLayout.forceDirectory(layout.replicas());
      store.hooks().after(CommitStep.DATA_RENAMED);
      Files.move(tmpMeta, layout.metaFile(handle), StandardCopyOption.ATOMIC_MOVE);
      StoreLayout.forceDirectory(layout.replicas());
      store.hooks().after(CommitStep.META_RENAMED);
    } catch (IOException e) {
      // Undo whatever was renamed: without its meta file the data file is not a replica anyway.
      store.deleteQuietly(layout.metaFile(handle));
      store.deleteQuietly(layout.chunkFile(handle));
      abort();
      throw new StoreException(Status.INTERNAL, name() + ": commit failed: " + e.getMessage(), e);
    }
    finished = true;
    store.committed(prepared, maxLength);
    return prepared;
  }

  @Override
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      data.close();
    } catch (IOException e) {
      // Closing a file we are about to delete: nothing to recover.
    }
    store.deleteQuietly(tmpData);
    store.deleteQuietly(tmpMeta);
    store.aborted(handle, maxLength);
  }

  private String name() {
    return "replica " + ChunkHandles.format(handle) + " v" + version;
  }
}
