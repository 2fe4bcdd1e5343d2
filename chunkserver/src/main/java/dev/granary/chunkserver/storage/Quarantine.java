package dev.granary.chunkserver.storage;

import dev.granary.wire.ChunkHandles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a replica's files out of {@code replicas/} into {@code quarantine/}, kept there for
 * inspection under a name that never repeats ({@code HANDLE-MILLIS-N.meta} and {@code .chunk}).
 * The caller has taken the replica out of memory first; this only moves files.
 */
final class Quarantine {
  private static final Logger log = LoggerFactory.getLogger(Quarantine.class);

  private final StoreLayout layout;
  private final String nodeId;
  private final AtomicLong counter = new AtomicLong();

  Quarantine(StoreLayout layout, String nodeId) {
    this.layout = layout;
    this.nodeId = nodeId;
  }

  /**
   * Moves the replica's files aside, meta file first, then forces replicas/. Never throws: files
   * that cannot be moved are deleted, so the replica is never served again either way.
   */
  void move(long handle) {
    String stamp = "-" + System.currentTimeMillis() + "-" + counter.incrementAndGet();
    String name = ChunkHandles.format(handle) + stamp;
    try {
      // Meta file first, so a crash in between leaves a data file that start-up removes.
      moveIfExists(layout.metaFile(handle),
          layout.quarantine().resolve(name + StoreLayout.META_SUFFIX));
      moveIfExists(layout.chunkFile(handle),
          layout.quarantine().resolve(name + StoreLayout.CHUNK_SUFFIX));
      StoreLayout.forceDirectory(layout.replicas());
    } catch (IOException e) {
      log.error("{}: cannot quarantine replica {}: {}; deleting it", nodeId,
          ChunkHandles.format(handle), e.toString());
      StoreLayout.deleteQuietly(layout.metaFile(handle), nodeId);
      StoreLayout.deleteQuietly(layout.chunkFile(handle), nodeId);
    }
  }

  private static void moveIfExists(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // Already gone: nothing to keep.
    }
  }
}
