package dev.granary.chunkserver.storage;

import dev.granary.wire.ChunkHandles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: repairs what a crash or power loss left in the data dir and loads the replicas found
 * into memory. In order: empties tmp/ (writes cut short), replays the journal
 * ({@link JournalReplay}), removes a data file without a meta file or a meta file without data (a
 * commit or delete cut short; see {@link DiskReplicaWriter} for why nothing else can be left), and
 * quarantines a replica whose meta file is corrupt or disagrees with its data file's size.
 */
final class CrashRepair {
  private static final Logger log = LoggerFactory.getLogger(CrashRepair.class);

  private final StoreLayout layout;
  private final TmpFiles tmp;
  private final Quarantine quarantine;
  private final String nodeId;

  CrashRepair(StoreLayout layout, TmpFiles tmp, Quarantine quarantine, String nodeId) {
    this.layout = layout;
    this.tmp = tmp;
    this.quarantine = quarantine;
    this.nodeId = nodeId;
  }

  /** Repairs the data dir and adds every sound replica to {@code index} and its bytes to used. */
  void run(ReplicaIndex index, SpaceReservations space) throws IOException {
    int leftovers = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.tmp())) {
      for (Path p : dir) {
        Files.deleteIfExists(p);
        leftovers++;
      }
    }
    new JournalReplay(layout, tmp, nodeId).run();
    Set<Long> chunks = new HashSet<>();
    Set<Long> metas = new HashSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.replicas())) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        Long handle = parseHandle(name);
        if (handle == null) {
          log.warn("{}: ignoring unexpected file {}", nodeId, p);
        } else if (name.endsWith(StoreLayout.CHUNK_SUFFIX)) {
          chunks.add(handle);
        } else {
          metas.add(handle);
        }
      }
    }
    int removed = 0;
    for (long h : chunks) {
      if (!metas.contains(h)) {
        // A power loss kept the data file's rename but not the meta file's (or a delete or
        // quarantine stopped half-way): without its block CRCs it is not a replica.
        Files.deleteIfExists(layout.chunkFile(h));
        removed++;
      }
    }
    for (long h : metas) {
      if (!chunks.contains(h)) {
        // A commit interrupted between renaming the meta file and the data file.
        Files.deleteIfExists(layout.metaFile(h));
        removed++;
        continue;
      }
      try {
        MetaFile.Contents c = MetaFile.read(layout.metaFile(h), h);
        long size = Files.size(layout.chunkFile(h));
        if (size != c.meta().length()) {
          throw new CorruptReplicaException("replica " + ChunkHandles.format(h) + ": data file of "
              + size + " bytes, meta file says " + c.meta().length());
        }
        index.add(c.meta());
        space.addUsed(c.meta().length());
      } catch (CorruptReplicaException e) {
        log.warn("{}: {} at start-up; quarantined", nodeId, e.getMessage());
        quarantine.move(h);
      }
    }
    if (removed > 0 || leftovers > 0) {
      StoreLayout.forceDirectory(layout.replicas());
    }
    log.info("{}: {} replicas ({} bytes) in {}; removed {} temporary and {} incomplete files",
        nodeId, index.size(), space.used(), layout.replicas(), leftovers, removed);
  }

  private static Long parseHandle(String name) {
    String stem;
    if (name.endsWith(StoreLayout.CHUNK_SUFFIX)) {
      stem = name.substring(0, name.length() - StoreLayout.CHUNK_SUFFIX.length());
    } else if (name.endsWith(StoreLayout.META_SUFFIX)) {
      stem = name.substring(0, name.length() - StoreLayout.META_SUFFIX.length());
    } else {
      return null;
    }
    try {
      return ChunkHandles.parse(stem);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
