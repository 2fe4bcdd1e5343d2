package dev.granary.chunkserver.storage;

import com.google.common.base.Ticker;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Status;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica store on a local disk: wires its parts together and answers {@link ReplicaStore}
 * with them. Layout in {@link StoreLayout}, meta format in {@link MetaFile}.
 *
 * <p>Design note. Like a GFS chunkserver (section 2.5) each replica is a plain file, so the kernel's
 * page cache and sendfile serve reads. What the store adds is whole-or-nothing durability and
 * checksums at rest (section 5.2). The parts, one job each:
 *
 * <ul>
 *   <li>start-up: {@link CrashRepair} (tmp/ emptied, incomplete pairs removed, bad ones
 *       quarantined) and {@link JournalReplay};
 *   <li>memory: {@link ReplicaIndex} (committed replicas) and {@link SpaceReservations};
 *   <li>writing: {@link DiskReplicaWriter} with {@link TmpDataFile} or {@link DirectStaging}, and
 *       {@link FileCommit} or {@link JournalCommit}; {@link JournalCheckpointer} finishes journaled
 *       commits;
 *   <li>reading: {@link ReplicaOpener} and {@link ReplicaVerifier};
 *   <li>removal: {@link ReplicaRemoval} (delete, quarantine, reconcile) and {@link Quarantine}.
 * </ul>
 */
public final class DiskReplicaStore implements ReplicaStore, Closeable {
  private static final Logger log = LoggerFactory.getLogger(DiskReplicaStore.class);

  private final StoreLayout layout;
  private final SpaceReservations space;
  private final String nodeId;
  private final DirectIo directIo;
  private final JournalCheckpointer checkpointer;
  private final ReplicaOpener opener;
  private final ReplicaVerifier verifier;
  private final ReplicaRemoval removal;
  private final ReplicaJournal journal;
  private final ReplicaIndex index;
  private final TmpFiles tmp;
  private final WriteTarget writeTarget;

  private DiskReplicaStore(StoreLayout layout, String nodeId, CommitStep.Hook hooks,
      DirectIo directIo, TmpFiles tmp, Quarantine quarantine, ReplicaIndex index,
      SpaceReservations space, ReplicaJournal journal) {
    this.layout = layout;
    this.nodeId = nodeId;
    this.directIo = directIo;
    this.tmp = tmp;
    this.index = index;
    this.space = space;
    this.journal = journal;
    this.writeTarget = new WriteTarget(layout, nodeId, hooks, journal, index, space,
        new AtomicLong());
    this.checkpointer = new JournalCheckpointer(layout, nodeId, tmp, index, journal);
    this.opener = new ReplicaOpener(layout, nodeId, index);
    this.verifier = new ReplicaVerifier(opener, nodeId);
    this.removal = new ReplicaRemoval(layout, nodeId, index, space, journal, quarantine);
  }

  /**
   * Opens (creating if needed) the store under {@code layout}, repairing what a crash left behind.
   *
   * @param capacity the configured capacity in bytes; 0 means the usable space of the disk
   * @param diskUsable the usable bytes of the data dir's disk, asked on every space check
   * @throws IOException if the directories cannot be created or scanned
   */
  public static DiskReplicaStore open(StoreLayout layout, long capacity, LongSupplier diskUsable,
      String nodeId, CommitStep.Hook hooks) throws IOException {
    return open(layout, capacity, diskUsable, nodeId, hooks, Ticker.systemTicker());
  }

  /** {@link #open} with the clock that ages journal segments (tests move it by hand). */
  static DiskReplicaStore open(StoreLayout layout, long capacity, LongSupplier diskUsable,
      String nodeId, CommitStep.Hook hooks, Ticker ticker) throws IOException {
    Files.createDirectories(layout.replicas());
    Files.createDirectories(layout.tmp());
    Files.createDirectories(layout.quarantine());
    Files.createDirectories(layout.journal());
    DirectIo directIo = DirectIo.probe(layout.tmp(), nodeId);
    TmpFiles tmp = new TmpFiles(layout.tmp());
    Quarantine quarantine = new Quarantine(layout, nodeId);
    ReplicaIndex index = new ReplicaIndex();
    SpaceReservations space = new SpaceReservations(nodeId, capacity, diskUsable);
    new CrashRepair(layout, tmp, quarantine, nodeId).run(index, space);
    ReplicaJournal journal = ReplicaJournal.start(layout.journal(), nodeId, ticker);
    return new DiskReplicaStore(layout, nodeId, hooks, directIo, tmp, quarantine, index, space,
        journal);
  }

  /**
   * The usable space of the disk holding {@code dir}, for {@link #open}. The file store is looked
   * up once (on Linux that reads the mount table) and then asked with one {@code statfs} per call,
   * as every write's admission asks it.
   *
   * @throws IOException if the file store of {@code dir} cannot be found
   */
  public static LongSupplier usableSpaceOf(Path dir) throws IOException {
    FileStore fs = Files.getFileStore(dir);
    return () -> {
      try {
        return fs.getUsableSpace();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  StoreLayout layout() {
    return layout;
  }

  /** Whether the data dir's file system takes direct I/O (probed at start-up). */
  public boolean directIo() {
    return directIo.enabled();
  }

  /** Replicas committed since start whose bytes bypassed the page cache (direct I/O). */
  public long writtenAroundCache() {
    return writeTarget.writtenAroundCache().get();
  }

  ReplicaJournal journal() {
    return journal;
  }

  /**
   * Makes the journal's replicas durable in their own files and deletes the journal segments no
   * longer needed ({@link JournalCheckpointer#run}). Called every second by the chunkserver on its
   * I/O pool, and by {@link #close}.
   *
   * @param all seal and discard everything now, whatever its age
   * @throws IOException if a file or directory cannot be forced; the segments are then kept
   */
  public void checkpoint(boolean all) throws IOException {
    checkpointer.run(all);
  }

  /** Checkpoints everything (so the next start has no journal to replay) and closes the journal. */
  @Override
  public void close() {
    try {
      checkpoint(true);
    } catch (IOException e) {
      log.warn("{}: final checkpoint failed; the journal is replayed at the next start: {}",
          nodeId, e.toString());
    }
    journal.close();
  }

  @Override
  public ReplicaMeta get(long handle) {
    return index.get(handle);
  }

  @Override
  public List<ReplicaMeta> replicas() {
    return index.all();
  }

  @Override
  public int replicaCount() {
    return index.size();
  }

  @Override
  public ReplicaWriter create(long handle, long version, long maxLength, boolean keepCached)
      throws StoreException {
    String name = ChunkHandles.format(handle);
    if (maxLength > MAX_REPLICA_LENGTH) {
      throw new StoreException(Status.TOO_LARGE, nodeId + " refuses replica " + name + " of up to "
          + maxLength + " bytes: at most " + MAX_REPLICA_LENGTH + " (the largest chunk size)");
    }
    // Stored, then being written, then stored again: a commit adds its replica to the map before
    // it leaves the writes in progress, so one of the checks sees a replica of the handle.
    if (index.contains(handle)) {
      throw alreadyHeld(name);
    }
    space.reserve(handle, maxLength);
    if (index.contains(handle)) {
      space.released(handle, maxLength);
      throw alreadyHeld(name);
    }
    String base = tmp.stem(handle, version);
    // Small replicas commit through the journal (buffered, read back at prepare): never direct.
    DirectIo bypass = keepCached || maxLength <= ReplicaJournal.DEFERRED_MAX || !directIo.enabled()
        ? null : directIo;
    return new DiskReplicaWriter(writeTarget, handle, version, maxLength,
        tmp.resolve(base + ".chunk.tmp"), tmp.resolve(base + ".meta.tmp"),
        bypass);
  }

  private StoreException alreadyHeld(String name) {
    return new StoreException(Status.ALREADY_EXISTS, nodeId + " already holds replica " + name);
  }

  @Override
  public OpenReplica open(long handle) throws StoreException, CorruptReplicaException {
    return opener.open(handle);
  }

  @Override
  public OpenReplica openFromMemory(long handle) {
    return opener.openFromMemory(handle);
  }

  @Override
  public ReplicaMeta verify(long handle, Throttle throttle)
      throws StoreException, CorruptReplicaException, InterruptedException {
    return verifier.verify(handle, throttle);
  }

  @Override
  public ReplicaMeta delete(long handle, long maxVersion) throws StoreException {
    return removal.delete(handle, maxVersion);
  }

  @Override
  public ReplicaMeta quarantine(long handle, String reason) {
    return removal.quarantine(handle, reason);
  }

  @Override
  public List<Dropped> reconcile() {
    return removal.reconcile();
  }

  @Override
  public Dropped reconcile(long handle) {
    return removal.reconcile(handle);
  }

  @Override
  public Space space() {
    return space.space();
  }
}
