package dev.granary.chunkserver.storage;

import dev.granary.wire.Status;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A replica's commit through its own files, with three syncs: (1) meta file written beside the
 * data file in tmp/, then the data file forced ({@code fdatasync}); (2) the meta file forced
 * likewise; (3) meta file renamed into replicas/; (4) data file renamed into replicas/; (5)
 * replicas/ forced once. Why this order is whole-or-nothing: {@link DiskReplicaWriter}.
 */
final class FileCommit implements CommitProtocol {
  private final WriteTarget target;
  private final TmpDataFile data;
  private final Path tmpMeta;
  private final long handle;
  private final String name;

  FileCommit(WriteTarget target, TmpDataFile data, Path tmpMeta, long handle, String name) {
    this.target = target;
    this.data = data;
    this.tmpMeta = tmpMeta;
    this.handle = handle;
    this.name = name;
  }

  @Override
  public void prepare(ReplicaMeta meta, int[] blockCrcs) throws StoreException {
    data.channel(); // an empty replica has appended nothing: its file is created here
    data.awaitFlushBehind();
    // Both files are written before either is forced: each fdatasync of a newly created file
    // also makes its creation durable, and with both creations pending the first flush covers
    // both, so the second finds little left (measured on ext4: ~0.7 ms less per replica).
    try (FileChannel metaCh = MetaFile.writeUnforced(tmpMeta, meta, blockCrcs)) {
      data.forceAndClose();
      target.hooks().after(CommitStep.DATA_FORCED);
      metaCh.force(false);
      target.hooks().after(CommitStep.META_WRITTEN);
    } catch (IOException e) {
      throw new StoreException(Status.INTERNAL, name + ": cannot make the replica durable: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void rename() throws IOException {
    StoreLayout layout = target.layout();
    Files.move(tmpMeta, layout.metaFile(handle), StandardCopyOption.ATOMIC_MOVE);
    target.hooks().after(CommitStep.META_RENAMED);
    data.moveTo(layout.chunkFile(handle));
    target.hooks().after(CommitStep.DATA_RENAMED);
    StoreLayout.forceDirectory(layout.replicas());
    target.hooks().after(CommitStep.DIR_FORCED);
  }

  @Override
  public void publish(ReplicaMeta meta, long reservation) {
    // Into memory before out of the writes in progress: see DiskReplicaStore#create.
    target.index().add(meta);
    target.space().committed(handle, reservation, meta.length());
  }

  @Override
  public void abandon() {
    StoreLayout.deleteQuietly(tmpMeta, target.nodeId());
  }
}
