package dev.granary.chunkserver.storage;

import dev.granary.wire.ChunkHandles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names for files in {@code tmp/}, unique within this run (start-up empties the folder), and meta
 * files written and forced there before their rename into {@code replicas/}.
 */
final class TmpFiles {
  private final Path dir;
  private final AtomicLong counter = new AtomicLong();

  TmpFiles(Path dir) {
    this.dir = dir;
  }

  /** A fresh name stem for the temporary files of one write of a replica. */
  String stem(long handle, long version) {
    return ChunkHandles.format(handle) + "-" + version + "-" + counter.incrementAndGet();
  }

  /** {@code tmp/name}. */
  Path resolve(String name) {
    return dir.resolve(name);
  }

  /** Writes a replica's meta file under a fresh name in tmp/ and forces it; returns its path. */
  Path forcedMeta(ReplicaMeta meta, int[] crcs) throws IOException {
    Path tmp = dir.resolve(ChunkHandles.format(meta.handle()) + "-" + counter.incrementAndGet()
        + ".meta.tmp");
    try (FileChannel ch = MetaFile.writeUnforced(tmp, meta, crcs)) {
      ch.force(false);
    }
    return tmp;
  }
}
