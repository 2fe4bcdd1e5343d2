package dev.granary.chunkserver.storage;

import dev.granary.wire.ChunkHandles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a chunkserver's files live under its data dir:
 *
 * <pre>
 *  node-id                      the node's stable id
 *  cluster-id                   the id of the cluster the node joined (absent until it joins)
 *  replicas/HHHHHHHHHHHHHHHH.chunk   replica bytes, verbatim (HHHH.. = the 16-hex-digit handle)
 *  replicas/HHHHHHHHHHHHHHHH.meta    version, length, digest, block CRC32Cs (see MetaFile)
 *  tmp/                         replicas being written; emptied at start-up
 *  journal/journal-SSSS.log     small replicas not yet forced in their own files (ReplicaJournal)
 *  quarantine/                  replicas that failed their checksums or were found damaged or
 *                               incomplete on disk, kept for inspection
 * </pre>
 */
public final class StoreLayout {
  private static final Logger log = LoggerFactory.getLogger(StoreLayout.class);

  public static final String CHUNK_SUFFIX = ".chunk";
  public static final String META_SUFFIX = ".meta";

  private final Path root;

  public StoreLayout(Path dataDir) {
    this.root = dataDir;
  }

  public Path root() {
    return root;
  }

  public Path replicas() {
    return root.resolve("replicas");
  }

  public Path tmp() {
    return root.resolve("tmp");
  }

  public Path journal() {
    return root.resolve("journal");
  }

  public Path quarantine() {
    return root.resolve("quarantine");
  }

  public Path chunkFile(long handle) {
    return replicas().resolve(ChunkHandles.format(handle) + CHUNK_SUFFIX);
  }

  public Path metaFile(long handle) {
    return replicas().resolve(ChunkHandles.format(handle) + META_SUFFIX);
  }

  /**
   * Writes {@code content} to {@code dir/name} durably and atomically: a temporary file, forced,
   * renamed over the name, and the directory forced. A crash leaves the old file or the new.
   */
  public static void writeDurably(Path dir, String name, String content) throws IOException {
    Path tmp = dir.resolve(name + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(dir);
  }

  /** Forces a directory's entries (new, renamed, removed files) to disk. */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Forces a file's contents (not its size or name) to disk. */
  static void forceFile(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(false);
    }
  }

  /** Deletes {@code p} if it exists; a failure is logged, not thrown (a cleanup's last resort). */
  static void deleteQuietly(Path p, String nodeId) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("{}: cannot delete {}: {}", nodeId, p, e.toString());
    }
  }
}
