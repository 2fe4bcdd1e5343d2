package dev.granary.master.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the operation log, checkpoints and the write probe reach the file system: the one seam where
 * tests inject a full disk or an I/O error without mounting anything. Production uses
 * {@link #DEFAULT}, the JDK's own channels and file store.
 */
public interface LogStorage {
  /** The real file system. */
  LogStorage DEFAULT = new LogStorage() {
    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
      return FileChannel.open(file, options);
    }

    @Override
    public long usableSpace(Path dir) throws IOException {
      return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public long totalSpace(Path dir) throws IOException {
      return Files.getFileStore(dir).getTotalSpace();
    }
  };

  /** Opens {@code file} as {@link FileChannel#open(Path, OpenOption...)} does. */
  FileChannel open(Path file, OpenOption... options) throws IOException;

  /** Bytes this process may still write on the file system holding {@code dir}. */
  long usableSpace(Path dir) throws IOException;

  /** Size of the file system holding {@code dir}. */
  long totalSpace(Path dir) throws IOException;

  /**
   * Forces a group-commit batch of the operation log to disk: the fsync every mutation waits for
   * (timed for the master's metrics by a wrapping storage).
   */
  default void forceLog(FileChannel log) throws IOException {
    log.force(false);
  }
}
